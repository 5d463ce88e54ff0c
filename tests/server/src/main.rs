//! sw-test-server: a WebSocket echo server for sw-websocket's tests.
//!
//! Binds to 127.0.0.1 only. Prints `sw-test-server listening on ws://127.0.0.1:PORT/ws`
//! on start. See `--help` for the options and README.md for the endpoints;
//! the inbound reliable mode (server to client) is in `inbound.rs` and
//! `routes/inbound.rs`, and in the README's "The test server".

mod args;
mod deflate;
mod inbound;
mod raw;
mod routes;
mod stats;
mod ws;

use std::sync::Arc;

#[tokio::main]
async fn main() {
    let args = match args::Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("sw-test-server: {message}\n\n{}", args::USAGE);
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "sw-test-server: cannot bind 127.0.0.1:{}: {error}",
                args.port
            );
            std::process::exit(1);
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
    let hub = Arc::new(stats::Hub::new(args.clone()));
    if let Some(every) = args.push_ms {
        tokio::spawn(ws::push_loop(hub.clone(), every));
    }
    println!("sw-test-server listening on ws://127.0.0.1:{port}/ws");
    println!("stats at http://127.0.0.1:{port}/stats");
    let app = routes::router(hub);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(error) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        eprintln!("sw-test-server: {error}");
        std::process::exit(1);
    }
}
