// The package's errors made in JS: the same shape as the module's (an
// `Error` named "SwWebSocketError" with a `kind`).

/** Whether `value` is an error this package threw or rejected with (narrows `catch (e)`). */
export function isSwWebSocketError(value) {
  return value instanceof Error && value.name === 'SwWebSocketError' && typeof value.kind === 'string';
}

/** An error of the package's shape. */
export function swError(message, kind = 'invalid_option') {
  return Object.assign(new Error(`sw-websocket: ${message}`), { name: 'SwWebSocketError', kind });
}

/** `error` if it is the package's; anything else means the module could not load or run (kind `init`). */
export function typed(error) {
  return isSwWebSocketError(error) ? error : swError(`the module could not load or run: ${error?.message ?? error}`, 'init');
}
