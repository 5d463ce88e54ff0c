//! Config, URL policy and close validation: each bad input gets its typed error.

mod support;

use support::native::from_json;
use sw_websocket::core::{CloseRequest, Config, Error, Options, WsUrl};

#[test]
fn defaults_are_documented_values() {
    let config = Config::default().validate().expect("defaults are valid");
    let keepalive = config.keepalive().expect("on by default");
    assert_eq!(keepalive.interval.get(), 20_000);
    assert_eq!(keepalive.message, "keep alive");
    assert_eq!(config.connect_timeout().get(), 10_000);
}

#[test]
fn keepalive_range_is_1000_to_29000() {
    for ok in [1_000, 15_000, 29_000] {
        assert!(
            Config::default().keepalive_ms(ok).validate().is_ok(),
            "{ok}"
        );
    }
    for bad in [0, 999, 29_001, 30_000, 60_000] {
        let err = Config::default().keepalive_ms(bad).validate().unwrap_err();
        assert_eq!(err.kind(), "invalid_option", "{bad}");
    }
    assert!(Config::default().without_keepalive().validate().is_ok());
}

#[test]
fn url_policy() {
    let ok = [
        "wss://example.com/socket",
        "wss://example.com:8443/a?b=c",
        "WSS://Example.COM",
        "ws://localhost:8080/ws",
        "ws://127.0.0.1:1/",
        "ws://127.255.0.9/ws",
        "ws://[::1]:9000/ws",
        "wss://[2001:db8::1]/x",
        "ws://[0:0:0:0:0:0:0:1]/",
        "ws://[::0001]:80",
        "ws://127.0.0.0/",
        "wss://[::ffff:1.2.3.4]/",
        "wss://[1:2:3:4:5:6:7:8]/",
        "wss://[1:2:3:4:5:6:7::]/",
        "wss://[::2:3:4:5:6:7:8]/",
        "wss://[::]/",
        "wss://[1:2:3:4:5:6:1.2.3.4]/",
    ];
    for url in ok {
        assert!(WsUrl::parse(url).is_ok(), "{url} should pass");
    }
    let insecure = [
        "ws://example.com/ws",
        "ws://10.0.0.1/ws",
        "ws://192.168.1.1:80",
        "ws://[2001:db8::1]/",
        "ws://localhost.example.com/",
        "ws://127.0.0.01/",
        "ws://127.1/",
        "ws://127.0.0.256/",
        "ws://128.0.0.1/",
        "ws://[::ffff:127.0.0.1]/",
        "ws://[::1:0]/",
        "ws://[1::1]/",
    ];
    for url in insecure {
        assert_eq!(
            WsUrl::parse(url).unwrap_err().kind(),
            "insecure_url",
            "{url}"
        );
    }
    let invalid = [
        "",
        "/relative",
        "example.com/ws",
        "http://localhost/ws",
        "https://example.com/",
        "ftp://example.com/",
        "wss://",
        "wss://:443/",
        "wss://exa mple.com/",
        "wss://example.com/#frag",
        "wss://user:pw@example.com/",
        "wss://example.com:99999/",
        "wss://example.com:12a/",
        "wss://[::1/",
        "wss://[nope]/",
        "wss://[1:2:3:4:5:6:7:8:9]/",
        "wss://[1::2::3]/",
        "wss://[12345::]/",
        "wss://[:1]/",
        "wss://[1:]/",
        "wss://[1:2:3:4:5:6:7:8::]/",
        "wss://[::1.2.3]/",
        "wss://[::1%25eth0]/",
        "wss://[1:2:3:4:5:6:7:1.2.3.4]/",
        "wss://[]/",
        "wss://[::1]x/",
    ];
    for url in invalid {
        assert_eq!(
            WsUrl::parse(url).unwrap_err().kind(),
            "invalid_url",
            "{url:?}"
        );
    }
}

#[test]
fn close_codes_and_reasons() {
    for ok in [1000, 3000, 4000, 4999] {
        assert!(CloseRequest::new(Some(ok), None).is_ok(), "{ok}");
    }
    for bad in [0, 999, 1001, 1005, 1006, 1011, 2999, 5000, 65535] {
        assert_eq!(
            CloseRequest::new(Some(bad), None).unwrap_err(),
            Error::InvalidCloseCode(bad)
        );
    }
    let max = "é".repeat(61) + "a"; // 123 bytes
    assert!(CloseRequest::new(None, Some(&max)).is_ok());
    let long = "a".repeat(124);
    assert_eq!(
        CloseRequest::new(None, Some(&long)).unwrap_err(),
        Error::CloseReasonTooLong(124)
    );
    let request = CloseRequest::new(None, None).expect("defaults");
    assert_eq!((request.code(), request.reason()), (1000, ""));
}

fn options(json: &str) -> Result<Config, Error> {
    let options: Options = from_json(json).expect("json parses into Options");
    options.to_config()
}

#[test]
fn options_from_js_are_checked() {
    let config = options(r#"{"keepaliveMs": 5000, "keepaliveMessage": "ping"}"#).expect("ok");
    let keepalive = config.keepalive().expect("on");
    assert_eq!(
        (keepalive.interval.get(), keepalive.message.as_str()),
        (5000, "ping")
    );
    assert!(options(r#"{"keepalive": false}"#)
        .expect("ok")
        .keepalive()
        .is_none());
    for bad in [
        r#"{"keepaliveMs": -1}"#,
        r#"{"keepaliveMs": 1.5}"#,
        r#"{"keepaliveMs": 30000}"#,
        r#"{"keepalive": false, "keepaliveMs": 5000}"#,
        r#"{"connectTimeoutMs": 0}"#,
        r#"{"protocols": ["a b"]}"#,
        r#"{"keepaliveMessage": ""}"#,
        r#"{"maxMessageBytes": 0}"#,
    ] {
        assert_eq!(options(bad).unwrap_err().kind(), "invalid_option", "{bad}");
    }
    assert!(from_json::<Options>(r#"{"keepAliveMs": 5000}"#).is_err());
    // Read as JS passes them: a wrong type is refused by name, before any check.
    for (bad, why) in [
        (
            r#"{"protocols": [1]}"#,
            "protocols must be a string or a list of strings, not Array",
        ),
        (
            r#"{"keepaliveMs": "5000"}"#,
            "keepaliveMs must be a number, not string",
        ),
        (
            r#"{"fatalCloseCodes": [4000, "x"]}"#,
            "fatalCloseCodes[1] must be a number, not string",
        ),
    ] {
        assert_eq!(from_json::<Options>(bad).unwrap_err(), why);
    }
    let config = options(r#"{"protocols": "chat"}"#).expect("ok");
    assert_eq!(config.subprotocols(), ["chat"]);
}

#[test]
fn errors_have_stable_kinds_and_readable_messages() {
    let err = WsUrl::parse("ws://example.com").unwrap_err();
    assert!(err.to_string().contains("wss://"), "{err}");
    let err = CloseRequest::new(Some(1001), None).unwrap_err();
    assert!(err.to_string().contains("3000"), "{err}");
}

#[test]
fn numbers_in_messages_read_as_js_prints_them() {
    let cases = [
        (1.5, "1.5"),
        (-1.0, "-1"),
        (0.1, "0.1"),
        (1e-7, "1e-7"),
        (123_456_789.25, "123456789.25"),
        (9_007_199_254_740_992.0, "9007199254740992"),
        (1.5e300, "1.5e+300"),
        (f64::NAN, "NaN"),
        (f64::INFINITY, "Infinity"),
    ];
    for (value, text) in cases {
        let options = Options {
            keepalive_ms: Some(value),
            ..Options::default()
        };
        let err = options.to_config().unwrap_err().to_string();
        assert!(err.ends_with(&format!("whole number, not {text}")), "{err}");
    }
    let options = Options {
        fatal_close_codes: Some(vec![70_000.0]),
        ..Options::default()
    };
    let err = options.to_config().unwrap_err().to_string();
    assert!(err.contains("70000 is not a close code"), "{err}");
}

/// Found by fuzzing: `heartbeatTimeoutMs` went unchecked without a
/// `heartbeatReply`, so a NaN was accepted, stored as JSON `null`, and the
/// snapshot read back differed from the one written.
#[test]
fn heartbeat_timeout_is_checked_without_a_heartbeat_reply() {
    for bad in [f64::NAN, f64::INFINITY, -1.0, 1.5] {
        let options = Options {
            heartbeat_timeout_ms: Some(bad),
            ..Options::default()
        };
        let err = options.to_config().unwrap_err();
        assert_eq!(err.kind(), "invalid_option", "{bad}");
        assert!(err.to_string().contains("heartbeatTimeoutMs"), "{err}");
    }
    assert!(options(r#"{"heartbeatTimeoutMs": 5000}"#).is_ok());
    assert!(options(r#"{"heartbeatReply": "pong", "heartbeatTimeoutMs": 5000}"#).is_ok());
}
