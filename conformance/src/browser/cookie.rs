//! A cookie as the browser's store reports it (CDP's `Network.Cookie`), with the fields
//! the kit reads.

use serde::Deserialize;

/// One cookie of the browser's store, HttpOnly ones included.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cookie {
    pub name: String,
    pub value: String,
    pub domain: String,
    pub path: String,
    #[serde(default)]
    pub http_only: bool,
    #[serde(default)]
    pub secure: bool,
    /// `Strict`, `Lax` or `None`, when the cookie said.
    #[serde(default)]
    pub same_site: Option<String>,
    /// The partition of a cookie kept in a partitioned (CHIPS) jar: an object in today's
    /// protocol, a string in older browsers; absent for an unpartitioned cookie.
    #[serde(default)]
    pub partition_key: Option<serde_json::Value>,
}

impl Cookie {
    /// Kept in a partitioned (CHIPS) jar, apart from unpartitioned cookies.
    pub fn partitioned(&self) -> bool {
        self.partition_key.as_ref().is_some_and(|k| !k.is_null())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_store_as_chromium_reports_it() {
        let reported = serde_json::json!([
            {"name": "refreshToken", "value": "v", "domain": "127.0.0.1", "path": "/",
             "expires": -1, "size": 13, "httpOnly": true, "secure": false, "session": true,
             "sameSite": "Strict", "priority": "Medium", "sourceScheme": "NonSecure",
             "sourcePort": 8080},
            {"name": "a", "value": "", "domain": "127.0.0.1", "path": "/auth",
             "httpOnly": false, "secure": true,
             "partitionKey": {"topLevelSite": "http://127.0.0.1", "hasCrossSiteAncestor": false}}
        ]);
        let cookies: Vec<Cookie> = serde_json::from_value(reported).expect("reads");
        assert_eq!(cookies[0].same_site.as_deref(), Some("Strict"));
        assert!(cookies[0].http_only && !cookies[0].partitioned());
        assert!(cookies[1].secure && cookies[1].partitioned());
        assert_eq!(cookies[1].same_site, None);
    }
}
