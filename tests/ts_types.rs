//! The TypeScript declarations (`src/browser/typescript.rs`) list the same keys,
//! in the same order, as the records the core reads and writes: renaming a
//! field without its declaration fails here.

use sw_websocket::core::codec::{keys, Record};
use sw_websocket::core::{CloseInfo, ConnState, ErrorInfo, Options, Status};

const TYPES: &str = include_str!("../src/browser/typescript.rs");

/// The keys of `export interface NAME { ... }`, in order.
fn interface(name: &str) -> Vec<String> {
    let start = format!("export interface {name} {{");
    let body = TYPES
        .split(&start)
        .nth(1)
        .unwrap_or_else(|| panic!("{name} is declared"));
    let body = body.split("\n}").next().unwrap_or_default();
    body.lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("/**") && !line.starts_with('*'))
        .filter_map(|line| line.split_once(':'))
        .map(|(key, _)| key.trim_end_matches('?').to_owned())
        .filter(|key| key.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect()
}

fn same<R: Record + Default>(name: &str) {
    let declared = interface(name);
    let read: Vec<String> = keys(&mut R::default())
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(declared, read, "{name} and its record");
}

#[test]
fn declarations_list_the_records_keys() {
    same::<Options>("SwWebSocketOptions");
    same::<Status>("SwWebSocketStatus");
    same::<CloseInfo>("SwWebSocketCloseInfo");
    same::<ErrorInfo>("SwWebSocketErrorInfo");
}

#[test]
fn the_state_type_lists_every_state() {
    let union = TYPES
        .split("export type SwWebSocketState =")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .expect("SwWebSocketState is declared");
    let declared: Vec<&str> = union
        .split('|')
        .map(|s| s.trim().trim_matches('"'))
        .filter(|s| !s.is_empty())
        .collect();
    let names = ConnState::NAMES;
    assert_eq!(declared, names);
}
