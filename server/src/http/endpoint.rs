//! The API's own endpoints, told apart by path in one match.
//!
//! A path names an endpoint exactly as `warp::path!("auth" / "logout")` matches it: one
//! leading `/`, the segments compared byte for byte (no percent-decoding), and at most
//! one trailing `/` (warp's `end()` accepts `/auth/logout/` too). The test below holds
//! this match against warp's own filters.

use warp::http::Method;

/// One of the endpoints of the API (the conformance hooks are routed apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /auth/register`.
    Register,
    /// `POST /auth/login`.
    Login,
    /// `GET /auth/validate-session`.
    ValidateSession,
    /// `POST /auth/logout`.
    Logout,
    /// `POST /auth/refresh`: the opt-in rotating refresh (404 unless it is on).
    Refresh,
}

impl Endpoint {
    /// The endpoint at `path`, if any.
    pub fn at(path: &str) -> Option<Self> {
        let path = path.strip_prefix('/').unwrap_or(path);
        let path = path.strip_suffix('/').unwrap_or(path);
        match path {
            "auth/logout" => Some(Self::Logout),
            "auth/validate-session" => Some(Self::ValidateSession),
            "auth/login" => Some(Self::Login),
            "auth/register" => Some(Self::Register),
            "auth/refresh" => Some(Self::Refresh),
            _ => None,
        }
    }

    /// The one method it answers; any other gets 405 with this as `Allow`.
    pub fn method(self) -> (Method, &'static str) {
        match self {
            Self::ValidateSession => (Method::GET, "GET"),
            Self::Register | Self::Login | Self::Logout | Self::Refresh => (Method::POST, "POST"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use warp::Filter;

    use super::*;

    /// What warp's `path!` filters say of `path`.
    async fn warp_says(path: &str) -> Option<Endpoint> {
        use hyper::service::Service;
        let answer = |endpoint: Endpoint| {
            move || {
                let mut response = warp::reply::Response::new(Default::default());
                *response.status_mut() =
                    warp::http::StatusCode::from_u16([201, 202, 203, 204][endpoint as usize])
                        .unwrap();
                response
            }
        };
        let filter = warp::path!("auth" / "register")
            .map(answer(Endpoint::Register))
            .or(warp::path!("auth" / "login").map(answer(Endpoint::Login)))
            .unify()
            .or(warp::path!("auth" / "validate-session").map(answer(Endpoint::ValidateSession)))
            .unify()
            .or(warp::path!("auth" / "logout").map(answer(Endpoint::Logout)))
            .unify();
        let service = hyper_util::service::TowerToHyperService::new(warp::service(filter));
        let request = warp::http::Request::builder()
            .uri(path)
            .body(http_body_util::Empty::<bytes::Bytes>::new())
            .unwrap();
        let response = service.call(request).await.unwrap();
        match response.status().as_u16() {
            201 => Some(Endpoint::Register),
            202 => Some(Endpoint::Login),
            203 => Some(Endpoint::ValidateSession),
            204 => Some(Endpoint::Logout),
            _ => None,
        }
    }

    #[tokio::test]
    async fn paths_name_the_endpoints_warps_path_filters_name() {
        for path in [
            "/auth/logout",
            "/auth/logout/",
            "/auth/logout//",
            "//auth/logout",
            "/auth//logout",
            "/auth/logout?x=1",
            "/auth/logout/x",
            "/auth/Logout",
            "/auth/log%6Fut",
            "/auth/logouts",
            "/auth",
            "/auth/",
            "/",
            "/auth/validate-session",
            "/auth/validate-session/",
            "/auth/login",
            "/auth/register",
            "/auth/register/",
            "/__conformance/sessions",
            "/auth/logout/.",
        ] {
            let uri: warp::http::Uri = path.parse().unwrap();
            assert_eq!(Endpoint::at(uri.path()), warp_says(path).await, "{path}");
        }
    }
}
