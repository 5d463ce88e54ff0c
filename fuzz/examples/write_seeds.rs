//! Writes the seed corpora into `seeds/`: `cargo run --example write_seeds`
//! from `fuzz/`.

use std::fs;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let snapshot = root.join("snapshot");
    let events = root.join("core_events");
    fs::create_dir_all(&snapshot).expect("create seeds/snapshot");
    fs::create_dir_all(&events).expect("create seeds/core_events");
    for (name, json) in sw_websocket_fuzz::seeds::snapshots() {
        fs::write(snapshot.join(format!("{name}.json")), json).expect("write a snapshot seed");
    }
    for (name, bytes) in sw_websocket_fuzz::seeds::event_scripts() {
        fs::write(events.join(format!("{name}.bin")), bytes).expect("write an event seed");
    }
    println!("seeds written to fuzz/seeds/");
}
