//! The documented answer (LO-01): status, content type and body.

use bytes::Bytes;
use conformance_tests::catalogue;
use conformance_tests::routes::{rewrite_logout, set_json};
use serde_json::json;
use warp::http::StatusCode;
use warp::http::header::{CONTENT_TYPE, HeaderValue};

catalogue! {
    // ---- The documented answer (LO-01) ----

    /// Express `res.send(JSON.stringify(body))`: the body is JSON, the type is HTML.
    html_content_type {
        what: "answers the 200 as text/html",
        // Every clause demanding the documented answer; LO-08 and LO-21 compare answers
        // with each other, and all are alike.
        declares: ["LO-01", "LO-05", "LO-06", "LO-07", "LO-10", "LO-11", "LO-12", "LO-28"],
        build: || rewrite_logout(|r| {
            if r.status() == StatusCode::OK {
                r.headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            }
        }),
    }

    /// A message of the implementer's own wording.
    wrong_message {
        what: "answers 200 {\"message\":\"Logout successful\"}",
        // Every clause demanding the documented answer compares the body.
        declares: ["LO-01", "LO-05", "LO-06", "LO-07", "LO-10", "LO-11", "LO-12", "LO-28"],
        build: || rewrite_logout(|r| {
            if r.status() == StatusCode::OK {
                set_json(r, StatusCode::OK, &json!({ "message": "Logout successful" }));
            }
        }),
    }

    /// Spring `ResponseEntity.noContent().build()`.
    no_content_204 {
        what: "answers 204 with no body instead of 200",
        // Every clause demanding the documented answer. A 204 is still a success, so
        // nothing is blocked, and every body gets the same 204 (LO-08, LO-21 pass).
        declares: ["LO-01", "LO-05", "LO-06", "LO-07", "LO-10", "LO-11", "LO-12", "LO-28"],
        build: || rewrite_logout(|r| {
            if r.status() == StatusCode::OK {
                *r.status_mut() = StatusCode::NO_CONTENT;
                r.headers_mut().remove(CONTENT_TYPE);
                *r.body_mut() = Bytes::new().into();
            }
        }),
    }
}
