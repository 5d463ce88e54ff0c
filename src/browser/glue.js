// sw-websocket's JS glue: the only code that must be JS. It wraps
// chrome.storage and chrome.alarms for the wasm module, which imports it.

let fakeAreas = null;

/** Use `{local, session}` objects with get/set/remove instead of chrome.storage (tests, pages). */
export function useStorageAreas(areas) {
  fakeAreas = areas ?? null;
}

function area(name) {
  const found = fakeAreas ? fakeAreas[name] : globalThis.chrome?.storage?.[name];
  if (!found) {
    throw new Error(`chrome.storage.${name} is not available: add "storage" to the manifest's permissions`);
  }
  return found;
}

export async function storageGet(areaName, key) {
  const items = await area(areaName).get(key);
  return items?.[key];
}

export async function storageSet(areaName, key, value) {
  await area(areaName).set({ [key]: value });
}

export async function storageRemove(areaName, key) {
  await area(areaName).remove(key);
}

/** A periodic alarm every `periodMs`, kept as is if it already has that period. */
export async function alarmEvery(name, periodMs) {
  const alarms = globalThis.chrome?.alarms;
  if (!alarms) return false;
  const periodInMinutes = periodMs / 60000;
  const existing = await alarms.get(name);
  if (existing && existing.periodInMinutes === periodInMinutes) return true;
  await alarms.create(name, { periodInMinutes, delayInMinutes: periodInMinutes });
  return true;
}

/** A one-shot alarm at `when` (ms since the epoch). */
export async function alarmAt(name, when) {
  const alarms = globalThis.chrome?.alarms;
  if (!alarms) return false;
  await alarms.create(name, { when });
  return true;
}

export async function alarmClear(name) {
  const alarms = globalThis.chrome?.alarms;
  if (!alarms) return false;
  return alarms.clear(name);
}

// Chrome wants a worker's event listeners added while its script is first
// evaluated: this module is imported statically, so its top level runs then.
// The sockets subscribe later, through watchOnline.
const onlineWatchers = new Set();
if (typeof globalThis.addEventListener === 'function') {
  globalThis.addEventListener('online', () => onlineWatchers.forEach((changed) => changed(true)));
  globalThis.addEventListener('offline', () => onlineWatchers.forEach((changed) => changed(false)));
}

/** Calls `changed(true | false)` on the global scope's online and offline events; returns a function that stops it. */
export function watchOnline(changed) {
  const watcher = (online) => changed(online);
  onlineWatchers.add(watcher);
  return () => onlineWatchers.delete(watcher);
}

export function isOnline() {
  return globalThis.navigator?.onLine ?? true;
}

// The hot path's objects, built in one call instead of a property at a time.

export function messageEvent(data, binary) {
  return { type: 'message', data, binary };
}

export function sentNow() {
  return Promise.resolve({ queued: false });
}
