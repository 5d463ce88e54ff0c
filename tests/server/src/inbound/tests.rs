use super::*;
use serde_json::{json, Value};

fn parse(frames: &[String]) -> Vec<Value> {
    frames
        .iter()
        .map(|f| serde_json::from_str(f).unwrap())
        .collect()
}

fn store_of(n: usize) -> Store {
    let mut store = Store::default();
    for i in 1..=n {
        store.push(format!("m{i}"));
    }
    store
}

fn stats(store: &Store) -> Value {
    serde_json::to_value(store).unwrap()
}

#[test]
fn ids_start_at_1_and_increase() {
    let mut store = Store::default();
    assert_eq!(store.push("a".into()), 1);
    assert_eq!(store.push("b".into()), 2);
    assert_eq!(stats(&store)["nextId"], 3);
    assert_eq!(stats(&store)["stored"], 2);
}

#[test]
fn resume_after_0_sends_everything_in_order() {
    let mut store = store_of(3);
    let frames = parse(&store.resume(0));
    assert_eq!(
        frames,
        vec![
            json!({"type": "sw.msg", "id": 1, "data": "m1"}),
            json!({"type": "sw.msg", "id": 2, "data": "m2"}),
            json!({"type": "sw.msg", "id": 3, "data": "m3"}),
        ]
    );
}

#[test]
fn resume_after_n_sends_only_the_ids_above_n() {
    let mut store = store_of(5);
    let ids: Vec<Value> = parse(&store.resume(3))
        .into_iter()
        .map(|f| f["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(4), json!(5)]);
    assert_eq!(stats(&store)["resumes"], json!([3]));
    assert_eq!(store.resume(9), Vec::<String>::new(), "nothing above 9");
    assert_eq!(stats(&store)["resumes"], json!([3, 9]));
}

#[test]
fn a_message_sent_again_is_marked_dup() {
    let mut store = store_of(2);
    store.resume(0);
    store.push("m3".into());
    let frames = parse(&store.resume(0));
    assert_eq!(
        frames[0],
        json!({"type": "sw.msg", "id": 1, "dup": true, "data": "m1"})
    );
    assert_eq!(frames[1]["dup"], true);
    assert_eq!(frames[2], json!({"type": "sw.msg", "id": 3, "data": "m3"}));
    let s = stats(&store);
    assert_eq!((s["sent"].clone(), s["dups"].clone()), (json!(5), json!(2)));
}

#[test]
fn the_dup_mark_is_exact_per_message() {
    let mut store = store_of(4);
    store.resume(2); // sends 3 and 4 only
    let frames = parse(&store.resume(0));
    let dups: Vec<bool> = frames.iter().map(|f| f["dup"] == true).collect();
    assert_eq!(dups, vec![false, false, true, true]);
}

#[test]
fn send_marks_a_live_message_sent() {
    let mut store = Store::default();
    let id = store.push("live".into());
    let frame = store.send(id).unwrap();
    assert_eq!(frame, r#"{"type":"sw.msg","id":1,"data":"live"}"#);
    assert_eq!(
        store.send(id).unwrap(),
        r#"{"type":"sw.msg","id":1,"dup":true,"data":"live"}"#
    );
    assert_eq!(store.send(2), None, "not stored");
    assert_eq!(store.send(0), None, "not stored");
}

#[test]
fn ack_is_cumulative_and_drops_the_acked() {
    let mut store = store_of(5);
    store.ack(3);
    let s = stats(&store);
    assert_eq!(
        (s["stored"].clone(), s["acked"].clone()),
        (json!(2), json!(3))
    );
    store.ack(2); // an older ack changes nothing but the count
    let s = stats(&store);
    assert_eq!(
        (s["stored"].clone(), s["acked"].clone()),
        (json!(2), json!(3))
    );
    assert_eq!(s["ackFrames"], 2);
    let ids: Vec<Value> = parse(&store.resume(3))
        .into_iter()
        .map(|f| f["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(4), json!(5)], "no gap: the client had 3");
}

#[test]
fn ack_beyond_the_last_id_drops_everything() {
    let mut store = store_of(2);
    store.ack(10);
    assert_eq!(stats(&store)["stored"], 0);
    assert_eq!(stats(&store)["acked"], 10);
    assert_eq!(store.push("m3".into()), 3, "ids go on");
}

#[test]
fn resume_below_forgotten_ids_gets_a_gap_first() {
    let mut store = store_of(10);
    assert_eq!(store.forget(6), 6);
    let frames = parse(&store.resume(2));
    assert_eq!(frames[0], json!({"type": "sw.gap", "after": 2, "next": 7}));
    let ids: Vec<Value> = frames[1..].iter().map(|f| f["id"].clone()).collect();
    assert_eq!(ids, vec![json!(7), json!(8), json!(9), json!(10)]);
    let s = stats(&store);
    assert_eq!(
        (s["gaps"].clone(), s["forgotten"].clone()),
        (json!(1), json!(6))
    );
}

#[test]
fn resume_at_the_forgotten_edge_gets_no_gap() {
    let mut store = store_of(10);
    store.forget(6);
    let frames = parse(&store.resume(6));
    assert_eq!(frames[0]["id"], 7);
    assert_eq!(stats(&store)["gaps"], 0);
}

#[test]
fn a_gap_when_all_is_forgotten_names_the_next_id() {
    let mut store = store_of(3);
    store.forget(100);
    assert_eq!(stats(&store)["forgotten"], 3);
    let frames = parse(&store.resume(1));
    assert_eq!(
        frames,
        vec![json!({"type": "sw.gap", "after": 1, "next": 4})]
    );
    assert_eq!(
        store.resume(3),
        Vec::<String>::new(),
        "nothing lost after 3"
    );
}

#[test]
fn a_resume_below_acked_ids_gets_a_gap() {
    let mut store = store_of(4);
    store.ack(2);
    let frames = parse(&store.resume(0));
    assert_eq!(frames[0], json!({"type": "sw.gap", "after": 0, "next": 3}));
    assert_eq!(frames.len(), 3);
}

#[test]
fn an_empty_store_resumes_with_nothing() {
    let mut store = Store::default();
    assert!(store.resume(0).is_empty());
    assert!(store.resume(5).is_empty());
    assert_eq!(store.forget(3), 0);
    assert_eq!(stats(&store)["gaps"], 0);
}

#[test]
fn data_is_a_json_string() {
    let frame = msg_frame(7, false, "quote \" and \\ and\nnewline é");
    let value: Value = serde_json::from_str(&frame).unwrap();
    assert_eq!(value["data"], "quote \" and \\ and\nnewline é");
    assert!(frame.starts_with(r#"{"type":"sw.msg","id":7,"#));
    // Texts that need no escape (copied as they are) and the rest read the same.
    for text in ["plain é \u{7f}", "tab\there", "", "\u{1}"] {
        let frame = msg_frame(8, true, text);
        let value: Value = serde_json::from_str(&frame).unwrap();
        assert_eq!(
            (value["data"].as_str(), value["dup"].as_bool()),
            (Some(text), Some(true))
        );
    }
}

#[test]
fn client_frames_are_read() {
    use ClientFrame::*;
    assert_eq!(
        client_frame(r#"{"type":"sw.resume","after":0}"#),
        Some(Resume(0))
    );
    assert_eq!(
        client_frame(r#"{"type":"sw.resume","after":42}"#),
        Some(Resume(42))
    );
    assert_eq!(
        client_frame(r#"{"after":3,"type":"sw.resume"}"#),
        Some(Resume(3))
    );
    assert_eq!(client_frame(r#"{"type":"sw.ack","id":9}"#), Some(Ack(9)));
    assert_eq!(
        client_frame(r#" {"type": "sw.ack", "id": 9} "#),
        Some(Ack(9))
    );
    for bad in [
        r#"{"type":"sw.resume"}"#,
        r#"{"type":"sw.resume","after":-1}"#,
        r#"{"type":"sw.resume","after":"3"}"#,
        r#"{"type":"sw.ack","id":1.5}"#,
        r#"{"type":"sw.ack"}"#,
    ] {
        assert_eq!(client_frame(bad), Some(Malformed), "{bad}");
    }
    for other in [
        "hello",
        "sw.ack",
        r#"{"type":"sw.msg","id":1,"data":"sw.ack"}"#,
        r#"{"type":"chat","text":"sw.resume"}"#,
        r#"{"type":"sw.resume""#,
        r#"["sw.ack"]"#,
        "keep alive",
    ] {
        assert_eq!(client_frame(other), None, "{other}");
    }
}
