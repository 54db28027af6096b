use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader, DuplexStream};

use super::*;

/// A connection to a fake browser: what the kit writes, and a way to answer.
fn connected() -> (Connection, BufReader<DuplexStream>, DuplexStream) {
    let (kit_reads, browser_writes) = tokio::io::duplex(1 << 16);
    let (browser_reads, kit_writes) = tokio::io::duplex(1 << 16);
    (
        Connection::new(kit_reads, kit_writes),
        BufReader::new(browser_reads),
        browser_writes,
    )
}

async fn next_command(from: &mut BufReader<DuplexStream>) -> Value {
    let mut message = Vec::new();
    from.read_until(0, &mut message).await.expect("reads");
    assert_eq!(message.pop(), Some(0), "each message ends with a NUL byte");
    serde_json::from_slice(&message).expect("JSON")
}

async fn send(to: &mut DuplexStream, message: Value) {
    let mut bytes = message.to_string().into_bytes();
    bytes.push(0);
    to.write_all(&bytes).await.expect("writes");
}

fn bounded<T>(f: impl Future<Output = T>) -> tokio::time::Timeout<impl Future<Output = T>> {
    tokio::time::timeout(Duration::from_secs(5), f)
}

#[tokio::test]
async fn a_reply_reaches_its_command_and_an_event_its_session() {
    let (cdp, mut commands, mut browser) = connected();
    let mut page_events = cdp.events(Some("S1"));
    let mut browser_events = cdp.events(None);
    let fake = async {
        let first = next_command(&mut commands).await;
        let second = next_command(&mut commands).await;
        assert_eq!(first["method"], "Runtime.evaluate");
        assert_eq!(first["sessionId"], "S1");
        assert_eq!(second["method"], "Browser.getVersion");
        assert!(second.get("sessionId").is_none(), "{second}");
        // An event of another session, garbage, then the replies in reverse order.
        send(&mut browser, json!({"method": "Page.x", "sessionId": "S2"})).await;
        browser.write_all(b"not json\0").await.expect("writes");
        send(
            &mut browser,
            json!({"method": "Page.loadEventFired", "sessionId": "S1", "params": {"t": 1}}),
        )
        .await;
        send(
            &mut browser,
            json!({"id": second["id"], "error": {"code": -32601, "message": "nope"}}),
        )
        .await;
        send(
            &mut browser,
            json!({"id": first["id"], "result": {"v": 42}}),
        )
        .await;
    };
    let (page, browser_call, ()) = bounded(async {
        tokio::join!(
            cdp.call(Some("S1"), "Runtime.evaluate", json!({})),
            cdp.call(None, "Browser.getVersion", json!({})),
            fake
        )
    })
    .await
    .expect("within the limit");
    assert_eq!(page.expect("a result"), json!({"v": 42}));
    let refused = browser_call.expect_err("refused");
    assert!(refused.to_string().contains("nope"), "{refused}");
    let event = bounded(page_events.recv())
        .await
        .expect("in time")
        .expect("an event");
    assert_eq!(event.method, "Page.loadEventFired");
    assert_eq!(event.params, json!({"t": 1}));
    assert!(page_events.try_recv().is_err(), "S2's event is not S1's");
    assert!(browser_events.try_recv().is_err(), "no browser event");
}

#[tokio::test]
async fn a_closed_pipe_fails_waiting_commands_and_later_ones() {
    let (cdp, mut commands, browser) = connected();
    let mut events = cdp.events(Some("S1"));
    let waiting = cdp.call(None, "Browser.getVersion", json!({}));
    let close = async {
        next_command(&mut commands).await;
        drop(browser);
    };
    let (got, ()) = bounded(async { tokio::join!(waiting, close) })
        .await
        .expect("within the limit");
    assert!(matches!(got, Err(CdpError::Closed)), "{got:?}");
    assert!(bounded(events.recv()).await.expect("in time").is_none());
    let later = bounded(cdp.call(None, "Browser.close", json!({})))
        .await
        .expect("at once");
    assert!(matches!(later, Err(CdpError::Closed)), "{later:?}");
}

#[tokio::test]
async fn a_command_given_up_is_forgotten() {
    let (cdp, _commands, _browser) = connected();
    let gave_up = tokio::time::timeout(
        Duration::from_millis(50),
        cdp.call(None, "Browser.getVersion", json!({})),
    )
    .await;
    assert!(gave_up.is_err(), "no reply came");
    assert!(lock(&cdp.shared).pending.is_empty());
}
