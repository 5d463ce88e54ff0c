use crate::args::Args;
use crate::routes::router;
use crate::stats::{Command, Hub};
use futures_util::StreamExt;
use std::sync::Arc;
use tokio_tungstenite::tungstenite::Message;

/// The server on a free loopback port; its hub and its socket URL.
async fn start() -> (Arc<Hub>, String) {
    let args = Args::parse(std::iter::empty()).unwrap();
    let hub = Arc::new(Hub::new(args));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = router(hub.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (hub, format!("ws://127.0.0.1:{port}/ws"))
}

/// A control call made the moment a client sees its upgrade answered (what
/// the end-to-end tests do after `open`) reaches that connection: the server
/// registered it before answering. Many times, as the race it rules out was
/// narrow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_asked_right_after_the_upgrade_reaches_the_connection() {
    let (hub, url) = start().await;
    for round in 0..1000 {
        let tag = format!("r{round}");
        let (mut client, _) = tokio_tungstenite::connect_async(format!("{url}?tag={tag}"))
            .await
            .unwrap();
        let sent = hub.broadcast(Some(&tag), || Command::Text(format!("push {round}")));
        assert_eq!(sent, 1, "round {round}: the push reached no connection");
        match client.next().await {
            Some(Ok(Message::Text(text))) => assert_eq!(text.as_str(), format!("push {round}")),
            other => panic!("round {round}: {other:?} instead of the push"),
        }
        drop(client);
    }
}
