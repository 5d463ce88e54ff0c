//! Replays the committed seeds and any saved crash inputs through both
//! drivers on the stable toolchain (no libFuzzer): `cargo test` in `fuzz/`.
//! A crash file given in `FUZZ_REPLAY` is replayed alone.

use std::fs;
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = files(&root.join("seeds").join(target));
    assert!(
        !inputs.is_empty(),
        "no seeds for {target}: cargo run --example write_seeds"
    );
    inputs.extend(files(&root.join("regressions").join(target)));
    for path in inputs {
        let data = fs::read(&path).expect("read an input");
        println!("{target}: {}", path.display());
        run(&data);
    }
}

#[test]
fn snapshot_seeds() {
    replay("snapshot", sw_websocket_fuzz::snapshot::run);
}

#[test]
fn core_events_seeds() {
    replay("core_events", sw_websocket_fuzz::events::run);
}

#[test]
fn seeds_match_the_scripts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for (name, json) in sw_websocket_fuzz::seeds::snapshots() {
        let stored = fs::read_to_string(root.join("snapshot").join(format!("{name}.json")));
        assert_eq!(
            stored.ok(),
            Some(json),
            "seeds/snapshot/{name}.json is stale"
        );
    }
    for (name, bytes) in sw_websocket_fuzz::seeds::event_scripts() {
        let stored = fs::read(root.join("core_events").join(format!("{name}.bin")));
        assert_eq!(
            stored.ok(),
            Some(bytes),
            "seeds/core_events/{name}.bin is stale"
        );
    }
}

#[test]
fn one_input() {
    if let Ok(path) = std::env::var("FUZZ_REPLAY") {
        let data = fs::read(&path).expect("read FUZZ_REPLAY");
        if path.contains("snapshot") {
            sw_websocket_fuzz::snapshot::run(&data);
        } else {
            for line in sw_websocket_fuzz::events::describe(&data) {
                println!("{line}");
            }
        }
    }
}
