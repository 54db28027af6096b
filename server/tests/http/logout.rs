use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::util::{Answer, Session, TestServer, both_cookies};

/// Everything a client can see of a logout answer except the `Date`.
fn observable(
    answer: &Answer,
) -> (
    StatusCode,
    String,
    Vec<String>,
    Option<String>,
    Option<String>,
) {
    let header = |name| answer.header(name).map(str::to_owned);
    (
        answer.status,
        answer.body.clone(),
        answer.set_cookies(),
        header("content-type"),
        header("cache-control"),
    )
}

// LO-01, LO-02, LO-03, LO-04, LO-23, LO-24
#[tokio::test]
async fn a_live_session_logs_out_with_the_documented_answer() {
    let t = TestServer::start().await;
    let session = t.session().await;
    assert!(t.refresh_is_live(&session.refresh).await);
    let answer = t
        .logout_with_cookie(Some(format!("refreshToken={}", session.refresh).as_bytes()))
        .await;
    answer.assert_logged_out();
    assert_eq!(answer.body, r#"{"message":"Logged out successfully"}"#);
    for cookie in answer.set_cookies() {
        assert!(!cookie.contains("Max-Age"), "{cookie}");
    }
    assert!(
        !t.refresh_is_live(&session.refresh).await,
        "LO-04: the refresh token survived the logout"
    );
}

// LO-27
#[tokio::test]
async fn the_presented_access_token_is_revoked() {
    let t = TestServer::start().await;
    let session = t.session().await;
    assert!(t.access_is_live(&session.access).await);
    t.logout(&session).await.assert_logged_out();
    assert!(!t.access_is_live(&session.access).await);
}

// LO-27: the access token dies with its session even if it was not presented.
#[tokio::test]
async fn access_tokens_die_with_their_session() {
    let t = TestServer::start().await;
    let session = t.session().await;
    t.logout_with_cookie(Some(format!("refreshToken={}", session.refresh).as_bytes()))
        .await
        .assert_logged_out();
    assert!(!t.access_is_live(&session.access).await);
}

// A logout presenting only the access token revokes it, and only it.
#[tokio::test]
async fn an_access_token_alone_is_revoked_and_the_session_stays() {
    let t = TestServer::start().await;
    let session = t.session().await;
    t.logout_with_cookie(Some(format!("accessToken={}", session.access).as_bytes()))
        .await
        .assert_logged_out();
    assert!(!t.access_is_live(&session.access).await);
    assert!(t.refresh_is_live(&session.refresh).await);
}

// LO-20
#[tokio::test]
async fn another_session_of_the_same_user_stays_live() {
    let t = TestServer::start().await;
    let email = t.register().await;
    let first = t.login(&email).await;
    let second = t.login(&email).await;
    t.logout(&first).await.assert_logged_out();
    assert!(!t.refresh_is_live(&first.refresh).await);
    assert!(t.refresh_is_live(&second.refresh).await);
    assert!(t.access_is_live(&second.access).await);
}

// LO-05, LO-06, LO-07, LO-22
#[tokio::test]
async fn live_unknown_removed_expired_and_missing_tokens_get_the_same_answer() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let expired = t.hook("/__conformance/expired-session").await;
    let expired = expired["refreshToken"].as_str().unwrap().to_owned();

    let live = t
        .logout_with_cookie(Some(format!("refreshToken={}", session.refresh).as_bytes()))
        .await;
    let removed = t
        .logout_with_cookie(Some(format!("refreshToken={}", session.refresh).as_bytes()))
        .await;
    let unknown = t
        .logout_with_cookie(Some(
            b"refreshToken=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ))
        .await;
    let expired = t
        .logout_with_cookie(Some(format!("refreshToken={expired}").as_bytes()))
        .await;
    let missing = t.logout_with_cookie(None).await;

    live.assert_logged_out();
    for other in [&removed, &unknown, &expired, &missing] {
        other.assert_logged_out();
        assert_eq!(observable(other), observable(&live));
    }
}

// LO-08, LO-21, LO-31: the body and its Content-Type never matter.
#[tokio::test]
async fn the_body_is_ignored_whatever_it_is() {
    let t = TestServer::start().await;
    let json_ct: &[u8] = b"application/json";
    let cases: Vec<(Option<&[u8]>, Vec<u8>)> = vec![
        (Some(json_ct), b"{}".to_vec()),
        (Some(json_ct), Vec::new()),
        (
            Some(json_ct),
            br#"{"refreshToken":"x","all":true}"#.to_vec(),
        ),
        (Some(json_ct), b"[1,2,3]".to_vec()),
        (Some(json_ct), b"{".to_vec()),
        (Some(json_ct), vec![0xff, 0x00, 0xfe]),
        (Some(b"text/plain"), b"hello".to_vec()),
        (Some(b"application/x-www-form-urlencoded"), b"a=b".to_vec()),
        (Some(b"\xff garbage"), b"{}".to_vec()),
        (None, b"{}".to_vec()),
        (Some(json_ct), vec![b' '; 2 * 1024 * 1024]),
    ];
    for (content_type, body) in cases {
        let session = t.session().await;
        let cookie = both_cookies(&session);
        let mut headers: Vec<(&str, &[u8])> = vec![("cookie", cookie.as_bytes())];
        if let Some(content_type) = content_type {
            headers.push(("content-type", content_type));
        }
        let size = body.len();
        let answer = t
            .send(Method::POST, "/auth/logout", &headers, Some(body))
            .await;
        answer.assert_logged_out();
        assert!(
            !t.refresh_is_live(&session.refresh).await,
            "body of {size} bytes, {content_type:?}"
        );
    }
}

// LO-11: malformed cookie input is an invalid token.
#[tokio::test]
async fn malformed_cookie_headers_get_the_silent_200() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let four_kib = format!("refreshToken={}", "a".repeat(4096));
    let cases: Vec<&[u8]> = vec![
        b"refreshToken",
        b";;;",
        b"refreshToken=\"abc",
        b"refreshToken=\xff\xfe\xc3\x28",
        b"\xff\xfe=\x80\x81",
        b"refreshToken=unknown-one; refreshToken=unknown-two",
        four_kib.as_bytes(),
        b"=",
        b"==;=;",
        b"refreshToken=\"\"",
        b"refreshToken= ; accessToken=",
        b"\t refreshToken = \t",
    ];
    for cookie in cases {
        t.logout_with_cookie(Some(cookie)).await.assert_logged_out();
    }
    assert!(
        t.refresh_is_live(&session.refresh).await,
        "a malformed logout ended an unrelated session"
    );
}

// LO-11 on a raw connection: bytes no client library would send, and the connection stays usable.
#[tokio::test]
async fn raw_non_utf8_cookie_bytes_get_the_silent_200_on_a_kept_alive_connection() {
    let t = TestServer::start().await;
    let mut stream = tokio::net::TcpStream::connect(t.server.addr())
        .await
        .unwrap();
    let mut request = b"POST /auth/logout HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nCookie: refreshToken=\xff\xfe\xc3\x28; \x80\r\n\r\n".to_vec();
    request.extend_from_slice(b"POST /auth/logout HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nConnection: close\r\nCookie: \"\r\n\r\n{}");
    stream.write_all(&request).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .unwrap()
        .unwrap();
    let response = String::from_utf8(response).unwrap();
    assert_eq!(
        response.matches("HTTP/1.1 200 OK\r\n").count(),
        2,
        "{response}"
    );
    assert_eq!(
        response
            .matches(r#"{"message":"Logged out successfully"}"#)
            .count(),
        2,
        "{response}"
    );
}

// LO-10
#[tokio::test]
async fn concurrent_logouts_with_one_token_all_succeed() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let logouts = (0..32).map(|_| t.logout(&session));
    let answers = futures::future::join_all(logouts).await;
    for answer in &answers {
        answer.assert_logged_out();
    }
    assert!(!t.refresh_is_live(&session.refresh).await);
}

// LO-25
#[tokio::test]
async fn get_put_and_delete_do_not_log_out() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let cookie = both_cookies(&session);
    for method in [
        Method::GET,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::HEAD,
    ] {
        let answer = t
            .send(
                method.clone(),
                "/auth/logout",
                &[("cookie", cookie.as_bytes())],
                None,
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}: {answer:?}"
        );
        assert_eq!(answer.header("allow"), Some("POST"), "{method}");
        assert!(answer.set_cookies().is_empty(), "{method}");
        if method != Method::HEAD {
            answer.assert_error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed");
        }
    }
    assert!(t.refresh_is_live(&session.refresh).await);
    assert!(t.access_is_live(&session.access).await);
}

// LO-09, LO-30
#[tokio::test]
async fn a_failing_store_answers_the_documented_500_and_recovers() {
    let t = TestServer::start().await;
    let session: Session = t.session().await;
    assert_eq!(
        t.hook("/__conformance/store/fail").await,
        json!({"storeFailing": true})
    );

    let answer = t.logout(&session).await;
    answer.assert_error(StatusCode::INTERNAL_SERVER_ERROR, "Error logging out");
    assert_eq!(
        answer.body, r#"{"error":"Error logging out"}"#,
        "no detail in the body"
    );
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    assert_eq!(
        answer.set_cookies(),
        [crate::util::CLEAR_ACCESS, crate::util::CLEAR_REFRESH],
        "the 500 clears too"
    );

    assert_eq!(
        t.hook("/__conformance/store/recover").await,
        json!({"storeFailing": false})
    );
    assert!(
        t.refresh_is_live(&session.refresh).await,
        "the failed logout removed nothing"
    );
    t.logout(&session).await.assert_logged_out();
    assert!(!t.refresh_is_live(&session.refresh).await);
}

// A 9 MiB body, over the 8 MiB drain cap: the server reads 8 MiB, logs out and answers
// the documented 200, then closes gracefully; the client reads the whole answer, no reset,
// even when the body's tail arrives after the answer.
#[tokio::test]
async fn a_nine_mib_logout_body_gets_a_complete_200_not_a_reset() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let stream = tokio::net::TcpStream::connect(t.server.addr())
        .await
        .unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let length = 9 * 1024 * 1024;
    let head = format!(
        "POST /auth/logout HTTP/1.1\r\nHost: localhost\r\nCookie: {}\r\nContent-Length: {length}\r\n\r\n",
        both_cookies(&session)
    );
    let sending = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        let chunk = vec![b'x'; 64 * 1024];
        for sent in 0..length / chunk.len() {
            // The tail comes late, once the server has answered, as from a slow client.
            if sent == 136 {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            writer.write_all(&chunk).await?;
        }
        Ok::<_, std::io::Error>(writer)
    });
    // Like a naive client: the whole request first, then the answer.
    let writer = tokio::time::timeout(Duration::from_secs(30), sending)
        .await
        .expect("the body could not be sent within 30 s")
        .unwrap();
    let _writer = writer.expect("sending the body failed");
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), reader.read_to_end(&mut response))
        .await
        .expect("no end of answer within 30 s")
        .expect("the connection was reset");
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.ends_with(r#"{"message":"Logged out successfully"}"#),
        "{response}"
    );
    assert!(!t.refresh_is_live(&session.refresh).await);
}
