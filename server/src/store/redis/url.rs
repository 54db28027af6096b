//! The `--store` value that names a Redis: one server (`redis://`) or a cluster
//! (`redis+cluster://`), and how many replicas must hold a write before it is answered.

use std::fmt;

use redis::{ConnectionAddr, IntoConnectionInfo};

/// Where the sessions live: one Redis database, or a Redis Cluster found from seed nodes.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl {
    /// The URLs handed to the client, one per seed node (one for a single server). They may
    /// hold a password, so they are never shown.
    pub(super) urls: Vec<String>,
    /// Whether these are seed nodes of a cluster.
    pub(super) cluster: bool,
    /// `WAIT` for this many replicas after every session write and revocation.
    pub(super) replicas: u8,
    /// The value without its password, for messages and logs.
    shown: String,
}

/// The replicas a write waits for unless the URL says `?replicas=N`: none on one server
/// (as before clusters existed), one on a cluster, whose replicas take over on failover.
const DEFAULT_REPLICAS: [u8; 2] = [0, 1];

impl RedisUrl {
    /// Parses `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB][?replicas=N]` (port 6379 and
    /// database 0 by default) or
    /// `redis+cluster://[[USER]:PASSWORD@]HOST:PORT[,HOST:PORT…][?replicas=N]` (seed nodes
    /// of a Redis Cluster; the rest of the topology is discovered). `rediss://` is refused:
    /// this build has no TLS.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.starts_with("rediss://") || value.starts_with("rediss+cluster://") {
            return Err(
                "rediss:// (Redis over TLS) is not built into this server; use redis:// on a \
                 trusted network, or a TLS tunnel"
                    .to_owned(),
            );
        }
        let (cluster, rest) = if let Some(rest) = value.strip_prefix("redis+cluster://") {
            (true, rest)
        } else if let Some(rest) = value.strip_prefix("redis://") {
            (false, rest)
        } else {
            // Echo the scheme only: the rest may hold a password.
            let scheme = value.split("://").next().unwrap_or_default();
            return Err(format!(
                "unknown store {scheme:?}: expected `memory`, redis://HOST:PORT/DB or \
                 redis+cluster://HOST:PORT,HOST:PORT"
            ));
        };
        let (rest, replicas) = split_replicas(rest)?;
        let replicas = replicas.unwrap_or(DEFAULT_REPLICAS[usize::from(cluster)]);
        let (auth, hosts) = match rest.rsplit_once('@') {
            Some((auth, hosts)) => (format!("{auth}@"), hosts),
            None => (String::new(), rest),
        };
        let (hosts, db) = match hosts.split_once('/') {
            Some((hosts, db)) => (hosts, Some(db)),
            None => (hosts, None),
        };
        if cluster && db.is_some_and(|db| !db.is_empty() && db != "0") {
            return Err("a Redis Cluster has only database 0: drop the /DB".to_owned());
        }
        let db = db.map(|db| format!("/{db}")).unwrap_or_default();
        let mut urls = Vec::new();
        let mut shown = Vec::new();
        for host in hosts.split(',') {
            let url = format!("redis://{auth}{host}{db}");
            let info = url
                .as_str()
                .into_connection_info()
                .map_err(|error| format!("invalid Redis URL: {error}"))?;
            let ConnectionAddr::Tcp(host, port) = info.addr() else {
                return Err("a Redis URL must name a TCP host: redis://HOST:PORT/DB".to_owned());
            };
            let host = if host.contains(':') {
                format!("[{host}]")
            } else {
                host.clone()
            };
            shown.push(format!("{host}:{port}"));
            if !cluster {
                shown.push(format!("/{}", info.redis_settings().db()));
            }
            urls.push(url);
        }
        if !cluster && urls.len() != 1 {
            return Err("redis:// names one server; list a cluster's seed nodes as \
                 redis+cluster://HOST:PORT,HOST:PORT"
                .to_owned());
        }
        let scheme = if cluster { "redis+cluster" } else { "redis" };
        let shown = if cluster {
            format!("{scheme}://{}", shown.join(","))
        } else {
            format!("{scheme}://{}", shown.concat())
        };
        let shown = if replicas == DEFAULT_REPLICAS[usize::from(cluster)] {
            shown
        } else {
            format!("{shown}?replicas={replicas}")
        };
        Ok(Self {
            urls,
            cluster,
            replicas,
            shown,
        })
    }

    /// Whether this names a Redis Cluster.
    pub fn is_cluster(&self) -> bool {
        self.cluster
    }

    /// How many replicas must acknowledge a session write or revocation before it is
    /// answered (`WAIT`).
    pub fn replicas(&self) -> u8 {
        self.replicas
    }
}

/// Splits off `?replicas=N`, the only query parameter this server reads.
fn split_replicas(rest: &str) -> Result<(&str, Option<u8>), String> {
    let Some((rest, query)) = rest.split_once('?') else {
        return Ok((rest, None));
    };
    match query.strip_prefix("replicas=").map(str::parse::<u8>) {
        Some(Ok(replicas)) => Ok((rest, Some(replicas))),
        _ => Err("the only parameter a Redis store URL takes is ?replicas=N (0 to 255)".to_owned()),
    }
}

impl fmt::Display for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedisUrl({})", self.shown)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_their_password() {
        let url = RedisUrl::parse("redis://user:s3cret@cache.internal:6380/2").unwrap();
        assert_eq!(url.to_string(), "redis://cache.internal:6380/2");
        assert!(!format!("{url:?}").contains("s3cret"));
        let url = RedisUrl::parse("redis://127.0.0.1").unwrap();
        assert_eq!(url.to_string(), "redis://127.0.0.1:6379/0");
        assert_eq!((url.is_cluster(), url.replicas()), (false, 0));
    }

    #[test]
    fn a_cluster_is_its_seed_nodes_and_waits_for_one_replica() {
        let url = RedisUrl::parse("redis+cluster://:pw@10.0.0.1:7000,10.0.0.2:7001").unwrap();
        assert_eq!(
            url.to_string(),
            "redis+cluster://10.0.0.1:7000,10.0.0.2:7001"
        );
        assert_eq!((url.is_cluster(), url.replicas()), (true, 1));
        assert_eq!(url.urls.len(), 2);
        assert!(url.urls.iter().all(|u| u.contains(":pw@")));
        let url = RedisUrl::parse("redis+cluster://h:7000?replicas=0").unwrap();
        assert_eq!(url.replicas(), 0);
        assert_eq!(url.to_string(), "redis+cluster://h:7000?replicas=0");
        let url = RedisUrl::parse("redis://h:7000/1?replicas=2").unwrap();
        assert_eq!(url.to_string(), "redis://h:7000/1?replicas=2");
        assert_eq!(url.urls, ["redis://h:7000/1"]);
    }

    #[test]
    fn other_schemes_are_refused_without_echoing_secrets() {
        let tls = RedisUrl::parse("rediss://:pw@host:6379/0").unwrap_err();
        assert!(tls.contains("TLS"), "{tls}");
        let other = RedisUrl::parse("postgres://u:pw@host/db").unwrap_err();
        assert!(
            other.contains("\"postgres\"") && !other.contains("pw"),
            "{other}"
        );
        assert!(RedisUrl::parse("redis://").is_err());
        assert!(RedisUrl::parse("redis://a:1,b:2").is_err());
        assert!(RedisUrl::parse("redis+cluster://a:1/3").is_err());
        assert!(RedisUrl::parse("redis://a:1?replicas=x").is_err());
        assert!(RedisUrl::parse("redis://a:1?db=2").is_err());
    }
}
