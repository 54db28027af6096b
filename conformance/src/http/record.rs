//! What went over the wire: a request and its answer as bytes, kept for checks and for
//! failure output. Plain data, so that every other part of the HTTP layer can use it.

/// A header as it went over the wire: the value is bytes, which may not be UTF-8.
pub type Header = (String, Vec<u8>);

/// What was sent.
#[derive(Debug, Clone, Default)]
pub struct RequestRecord {
    pub method: String,
    pub url: String,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
}

/// What came back.
#[derive(Debug, Clone, Default)]
pub struct ResponseRecord {
    pub status: u16,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
}

impl ResponseRecord {
    /// All values of a header, lossily decoded.
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            .collect()
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<String> {
        self.header_all(name).into_iter().next()
    }

    /// The raw `Set-Cookie` headers, one per header line, lossily decoded: for judging
    /// how cookies are cleared. Token values are read from the bytes
    /// ([`crate::http::cookies::cookie_value`]).
    pub fn set_cookies(&self) -> Vec<String> {
        self.header_all("set-cookie")
    }

    /// The cookies the answer sets, as `(name, value)` pairs (attributes left out).
    pub fn set_cookie_pairs(&self) -> Vec<(String, String)> {
        self.set_cookies()
            .iter()
            .filter_map(|h| h.split(';').next()?.split_once('='))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect()
    }

    /// The `Set-Cookie` headers as they came, bytes.
    pub fn set_cookie_bytes(&self) -> Vec<&[u8]> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_slice())
            .collect()
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as text, lossily.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Whether the media type is `application/json` (parameters such as `charset` and
    /// letter case do not matter).
    pub fn is_json(&self) -> bool {
        self.header("content-type").is_some_and(|ct| {
            ct.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        })
    }
}
