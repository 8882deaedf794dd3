//! Who may use the editor: the secret token of this run (given once in the printed address,
//! then kept in an HttpOnly SameSite=Strict cookie), a `Host` naming this server (no DNS
//! rebinding), and for every POST a same-origin `Origin` and a CSRF value the editor handed
//! out in one of its own forms.

use std::collections::VecDeque;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::Mutex;

use crate::serve::conn::Request;

/// How many CSRF values are remembered; older forms must be opened again.
const CSRF_KEPT: usize = 512;

/// The editor's secrets and the addresses it answers to.
pub struct Guard {
    /// The token of this run (hex).
    token: String,
    /// The cookie carrying it: named after the port, so two servers do not mix.
    cookie: String,
    /// `Host` values this server answers to (`127.0.0.1:1111`, `localhost:1111`).
    hosts: Vec<String>,
    /// CSRF values handed out in forms, newest last.
    csrf: Mutex<VecDeque<String>>,
}

/// `n` random bytes from the system, as hex.
pub fn random_hex(n: usize) -> std::io::Result<String> {
    let mut bytes = vec![0u8; n];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether `a` and `b` are equal, in a time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The value of header `name` of `request`, if sent.
pub fn header<'a>(request: &'a Request<'_>, name: &'static str) -> Option<&'a str> {
    request.header(name)
}

impl Guard {
    /// A new token for a server listening at `addr`.
    pub fn new(addr: SocketAddr) -> std::io::Result<Guard> {
        let port = addr.port();
        let ip = match addr.ip() {
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            std::net::IpAddr::V4(ip) => ip.to_string(),
        };
        Ok(Guard {
            token: random_hex(24)?,
            cookie: format!("cerdas_sunting_{port}"),
            hosts: vec![format!("{ip}:{port}"), format!("localhost:{port}")],
            csrf: Mutex::new(VecDeque::new()),
        })
    }

    /// The token of this run.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Whether `given` is this run's token.
    pub fn token_matches(&self, given: &str) -> bool {
        same_secret(given, &self.token)
    }

    /// The `Set-Cookie` value that keeps the token in the browser.
    pub fn set_cookie(&self) -> String {
        format!(
            "{}={}; Path=/_cerdas/; HttpOnly; SameSite=Strict",
            self.cookie, self.token
        )
    }

    /// Whether the request's `Host` names this server.
    pub fn host_ok(&self, request: &Request<'_>) -> bool {
        header(request, "Host").is_some_and(|h| self.hosts.iter().any(|ok| ok == h))
    }

    /// Whether the request carries the token cookie.
    pub fn cookie_ok(&self, request: &Request<'_>) -> bool {
        request
            .headers("Cookie")
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| name == self.cookie && same_secret(value, &self.token))
    }

    /// Whether the request's `Origin` is this server (required on every POST).
    pub fn origin_ok(&self, request: &Request<'_>) -> bool {
        header(request, "Origin")
            .is_some_and(|origin| self.hosts.iter().any(|h| origin == format!("http://{h}")))
    }

    /// A new CSRF value for one form.
    pub fn new_csrf(&self) -> String {
        let value = random_hex(16).unwrap_or_default();
        if let Ok(mut kept) = self.csrf.lock() {
            kept.push_back(value.clone());
            while kept.len() > CSRF_KEPT {
                kept.pop_front();
            }
        }
        value
    }

    /// Whether `given` is a CSRF value this run handed out.
    pub fn csrf_ok(&self, given: &str) -> bool {
        !given.is_empty()
            && self
                .csrf
                .lock()
                .is_ok_and(|kept| kept.iter().any(|v| same_secret(v, given)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_new_each_time_and_compared_whole() {
        let a = random_hex(24).unwrap();
        assert_eq!(a.len(), 48);
        assert_ne!(a, random_hex(24).unwrap());
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &a[..47]));
        assert!(!same_secret(&a, ""));
    }

    #[test]
    fn csrf_values_are_remembered_and_bounded() {
        let g = Guard::new("127.0.0.1:1111".parse().unwrap()).unwrap();
        let first = g.new_csrf();
        assert!(g.csrf_ok(&first));
        assert!(!g.csrf_ok(""));
        assert!(!g.csrf_ok("00"));
        for _ in 0..CSRF_KEPT {
            g.new_csrf();
        }
        assert!(!g.csrf_ok(&first));
    }
}
