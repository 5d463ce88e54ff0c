//! Command-line options.

/// The usage text.
pub const USAGE: &str = "usage: sw-test-server [--port N] [--push-ms N] [--keepalive-text TEXT]

  --port N             port on 127.0.0.1 (default 0: a free one)
  --push-ms N          push {\"type\":\"push\",\"n\":K} to every client every N ms
  --keepalive-text T   text counted as a keepalive and not echoed (default \"keep alive\")
  --ack-delay-ms N     answer reliable frames ({\"type\":\"sw.msg\"}) with their ack after N ms (default 0)
  --handshake-delay-ms N
                       answer each upgrade request after N ms, as a distant server would (default 0)";

/// The server's options.
#[derive(Clone, Debug)]
pub struct Args {
    pub port: u16,
    pub push_ms: Option<u64>,
    pub keepalive_text: String,
    pub ack_delay_ms: u64,
    pub handshake_delay_ms: u64,
}

impl Args {
    pub fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut args = Args {
            port: 0,
            push_ms: None,
            keepalive_text: "keep alive".into(),
            ack_delay_ms: 0,
            handshake_delay_ms: 0,
        };
        while let Some(flag) = argv.next() {
            let mut value = || argv.next().ok_or(format!("{flag} needs a value"));
            match flag.as_str() {
                "--port" => args.port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
                "--push-ms" => {
                    let ms: u64 = value()?.parse().map_err(|e| format!("--push-ms: {e}"))?;
                    if ms == 0 {
                        return Err("--push-ms must be at least 1".into());
                    }
                    args.push_ms = Some(ms);
                }
                "--keepalive-text" => args.keepalive_text = value()?,
                "--ack-delay-ms" => {
                    args.ack_delay_ms = value()?
                        .parse()
                        .map_err(|e| format!("--ack-delay-ms: {e}"))?
                }
                "--handshake-delay-ms" => {
                    args.handshake_delay_ms = value()?
                        .parse()
                        .map_err(|e| format!("--handshake-delay-ms: {e}"))?
                }
                "-h" | "--help" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(args)
    }
}
