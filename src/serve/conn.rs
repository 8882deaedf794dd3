//! The preview's HTTP/1.1 server, small and bounded against slow and hostile clients:
//!
//! - at most [`MAX_CONNECTIONS`] connections open at once: a newcomer past that closes the
//!   oldest one still waiting for its request (an idle keep-alive or a trickling header), or
//!   is answered 503 when every one is busy;
//! - a request's line and headers within [`HEAD_TIME`] of starting to wait for them and within
//!   [`MAX_HEAD`] bytes (408 and 431 otherwise);
//! - a body is read only when the handler asks for it (the editor, after its token checks),
//!   and must keep up [`MIN_RATE`] after a grace of [`BODY_GRACE`];
//! - every response is written under a deadline of the same kind.
//!
//! Each connection is answered on a thread of its own, so a slow client holds only its own
//! thread; a live reload stream leaves its thread once subscribed (see [`Request::into_stream`]).
//! tiny_http, used before, had none of these bounds: a thread for every connection without a
//! cap, no read timeout and a header line read without a size limit.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The most connections open at once (live reload streams, once subscribed, not included).
pub const MAX_CONNECTIONS: usize = 128;
/// The most bytes a request's line and headers may hold.
pub const MAX_HEAD: usize = 16 * 1024;
/// The most headers a request may have.
const MAX_HEADERS: usize = 64;
/// The time a request's line and headers have to arrive, from when the server starts waiting
/// for them (so also how long an idle keep-alive connection stays open).
pub const HEAD_TIME: Duration = Duration::from_secs(10);
/// A body or a response may take this long, plus its size at [`MIN_RATE`].
pub const BODY_GRACE: Duration = Duration::from_secs(10);
/// The slowest a body may arrive or a response be taken, in bytes a second, after the grace.
pub const MIN_RATE: u64 = 64 * 1024;
/// How long the server reads (and drops) what a client still sends after a response that
/// closes the connection, so the client sees the response rather than a reset.
const LINGER: Duration = Duration::from_secs(2);

/// Answers requests on `listener` with `handler`, each connection on its own thread, until the
/// process ends. Returns at once.
pub fn serve(listener: TcpListener, handler: Arc<dyn Fn(Request<'_>) + Send + Sync>) {
    let table = Arc::new(Table::default());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else {
                // Out of descriptors or memory for a moment: wait, then go on accepting.
                std::thread::sleep(Duration::from_millis(50));
                continue;
            };
            let Some(id) = table.admit(&stream) else {
                refuse(stream);
                continue;
            };
            let (mine, handler) = (Arc::clone(&table), Arc::clone(&handler));
            let spawned = std::thread::Builder::new()
                .name("cerdas-http".into())
                .spawn(move || {
                    connection(stream, &*handler, |waiting| mine.mark(id, waiting));
                    mine.leave(id);
                });
            if spawned.is_err() {
                table.leave(id);
            }
        }
    });
}

/// Answers 503 to a connection past the cap and closes it, without waiting on the client.
fn refuse(stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let mut stream = stream;
    let _ = stream.write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
    );
    let _ = stream.shutdown(Shutdown::Both);
}

/// The open connections, each with a handle to close it and whether it waits for a request.
#[derive(Default)]
struct Table(Mutex<Slots>);

#[derive(Default)]
struct Slots {
    next: u64,
    open: HashMap<u64, Slot>,
}

struct Slot {
    stream: TcpStream,
    since: Instant,
    waiting: bool,
}

impl Table {
    /// Takes `stream` in, closing the oldest waiting connection when full; `None` when full
    /// of busy ones.
    fn admit(&self, stream: &TcpStream) -> Option<u64> {
        let handle = stream.try_clone().ok()?;
        let mut slots = self.0.lock().ok()?;
        if slots.open.len() >= MAX_CONNECTIONS {
            let oldest = slots
                .open
                .iter()
                .filter(|(_, s)| s.waiting)
                .min_by_key(|(_, s)| s.since)
                .map(|(id, _)| *id)?;
            if let Some(slot) = slots.open.remove(&oldest) {
                let _ = slot.stream.shutdown(Shutdown::Both);
            }
        }
        let id = slots.next;
        slots.next += 1;
        slots.open.insert(
            id,
            Slot {
                stream: handle,
                since: Instant::now(),
                waiting: true,
            },
        );
        Some(id)
    }

    /// Notes whether connection `id` waits for a request (and may be closed for a newcomer).
    fn mark(&self, id: u64, waiting: bool) {
        if let Ok(mut slots) = self.0.lock()
            && let Some(slot) = slots.open.get_mut(&id)
        {
            slot.waiting = waiting;
            slot.since = Instant::now();
        }
    }

    fn leave(&self, id: u64) {
        if let Ok(mut slots) = self.0.lock() {
            slots.open.remove(&id);
        }
    }
}

/// One connection: its socket, what was read but not used yet, and how the last request
/// left it.
pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Body bytes of the current request not read yet.
    body_left: usize,
    /// Whether the connection closes after the current response.
    close: bool,
    /// Whether the current request was answered or handed over.
    answered: bool,
    /// Whether the socket was handed over (a live reload stream).
    taken: bool,
}

fn connection(stream: TcpStream, handler: &dyn Fn(Request<'_>), mark: impl Fn(bool)) {
    let _ = stream.set_nodelay(true);
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
        body_left: 0,
        close: false,
        answered: false,
        taken: false,
    };
    while !conn.close {
        mark(true);
        let head = match conn.read_head() {
            Ok(head) => head,
            Err(status) => {
                if let Some(status) = status {
                    conn.write_empty(status);
                }
                break;
            }
        };
        mark(false);
        conn.answered = false;
        let request = Request::new(&mut conn, head);
        handler(request);
        if conn.taken {
            return;
        }
        if !conn.answered {
            conn.close = true;
        }
    }
    mark(true);
    conn.linger();
}

/// A request's line and headers.
struct Head {
    method: String,
    target: String,
    http11: bool,
    headers: Vec<(String, String)>,
}

impl Conn {
    /// Reads the next request's head; `Err(None)` when the client closed or went quiet before
    /// sending anything, `Err(Some(status))` for a head that is refused.
    fn read_head(&mut self) -> Result<Head, Option<u16>> {
        let deadline = Instant::now() + HEAD_TIME;
        let mut chunk = [0u8; 4096];
        loop {
            if !self.buf.is_empty() {
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut parsed = httparse::Request::new(&mut headers);
                match parsed.parse(&self.buf) {
                    Ok(httparse::Status::Complete(len)) => {
                        let head = Head {
                            method: parsed.method.unwrap_or("").to_string(),
                            target: parsed.path.unwrap_or("").to_string(),
                            http11: parsed.version == Some(1),
                            headers: parsed
                                .headers
                                .iter()
                                .map(|h| {
                                    (
                                        h.name.to_string(),
                                        String::from_utf8_lossy(h.value).into_owned(),
                                    )
                                })
                                .collect(),
                        };
                        self.buf.drain(..len);
                        return Ok(head);
                    }
                    Ok(httparse::Status::Partial) => {}
                    Err(httparse::Error::TooManyHeaders) => return Err(Some(431)),
                    Err(_) => return Err(Some(400)),
                }
                if self.buf.len() >= MAX_HEAD {
                    return Err(Some(431));
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Err((!self.buf.is_empty()).then_some(408));
            }
            let _ = self.stream.set_read_timeout(Some(deadline - now));
            let room = (MAX_HEAD - self.buf.len()).min(chunk.len());
            match self.stream.read(&mut chunk[..room]) {
                Ok(0) => return Err(None),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Err(None),
            }
        }
    }

    /// Writes `bytes` within [`BODY_GRACE`] plus their size at [`MIN_RATE`].
    fn write_bounded(&mut self, bytes: &[u8]) -> io::Result<()> {
        let deadline = Instant::now() + BODY_GRACE + at_min_rate(bytes.len());
        let mut rest = bytes;
        while !rest.is_empty() {
            let now = Instant::now();
            if now >= deadline {
                return Err(io::ErrorKind::TimedOut.into());
            }
            self.stream.set_write_timeout(Some(deadline - now))?;
            let end = rest.len().min(256 * 1024);
            match self.stream.write(&rest[..end]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => rest = &rest[n..],
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Answers `status` with no body and closes.
    fn write_empty(&mut self, status: u16) {
        let head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            reason(status)
        );
        let _ = self.write_bounded(head.as_bytes());
        self.close = true;
    }

    /// Before closing: stops writing, then reads and drops what the client still sends for a
    /// little while, so it reads the response instead of a connection reset.
    fn linger(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
        let until = Instant::now() + LINGER;
        let mut sink = [0u8; 8192];
        let mut dropped = 0usize;
        while dropped < 4 * 1024 * 1024 {
            let now = Instant::now();
            if now >= until {
                break;
            }
            let _ = self.stream.set_read_timeout(Some(until - now));
            match self.stream.read(&mut sink) {
                Ok(0) | Err(_) => break,
                Ok(n) => dropped += n,
            }
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn at_min_rate(len: usize) -> Duration {
    Duration::from_millis((len as u64).saturating_mul(1000) / MIN_RATE)
}

/// A request being answered.
pub struct Request<'a> {
    conn: &'a mut Conn,
    head: Head,
    body_length: Option<usize>,
    expect_continue: bool,
}

impl<'a> Request<'a> {
    fn new(conn: &'a mut Conn, head: Head) -> Request<'a> {
        let find = |name: &str| {
            head.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_ascii_lowercase())
        };
        let connection = find("Connection").unwrap_or_default();
        let keep_alive = if head.http11 {
            !connection.contains("close")
        } else {
            connection.contains("keep-alive")
        };
        let chunked = find("Transfer-Encoding").is_some();
        let body_length = find("Content-Length").and_then(|v| v.parse::<usize>().ok());
        // A body that does not say its length (or says it twice differently) cannot be read
        // here: the connection closes after the answer.
        let lengths = head
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
            .count();
        let unframed = chunked || lengths > 1 || (lengths == 1 && body_length.is_none());
        conn.close = !keep_alive || unframed;
        conn.body_left = if unframed {
            0
        } else {
            body_length.unwrap_or(0)
        };
        let expect_continue = find("Expect").is_some_and(|v| v == "100-continue");
        Request {
            conn,
            body_length: body_length.filter(|_| !unframed),
            expect_continue,
            head,
        }
    }

    /// The method (`GET`, `POST` …).
    pub fn method(&self) -> &str {
        &self.head.method
    }

    /// The request target (`/berita/?x=1`).
    pub fn url(&self) -> &str {
        &self.head.target
    }

    /// The first value of header `name` (any case), trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    /// Every value of header `name` (any case), trimmed.
    pub fn headers<'b>(&'b self, name: &'b str) -> impl Iterator<Item = &'b str> + 'b {
        self.head
            .headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    /// The length the body says it has, when it says one.
    pub fn body_length(&self) -> Option<usize> {
        self.body_length
    }

    /// The body, read from the client as it is read here, under the minimum rate.
    pub fn body(&mut self) -> BodyReader<'_, 'a> {
        BodyReader {
            started: Instant::now(),
            received: 0,
            request: self,
        }
    }

    /// Writes `response` (without its body for `HEAD`).
    pub fn respond(self, response: Response) {
        let conn = self.conn;
        conn.answered = true;
        if conn.body_left > 0 {
            // The body was not read: what follows it cannot be found.
            conn.close = true;
        }
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n",
            response.status,
            reason(response.status),
            response.body.len()
        );
        for (name, value) in &response.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if conn.close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        if self.head.method != "HEAD" {
            bytes.extend_from_slice(&response.body);
        }
        if conn.write_bounded(&bytes).is_err() {
            conn.close = true;
        }
    }

    /// Hands the socket over (for a live reload stream); the connection's thread ends and the
    /// socket stays open as long as the returned stream does.
    pub fn into_stream(self) -> Option<TcpStream> {
        let stream = self.conn.stream.try_clone().ok()?;
        self.conn.answered = true;
        self.conn.taken = true;
        Some(stream)
    }
}

/// Reads a request's body: what came with the head first, then the socket, never past the
/// length the request gave, and failing once it falls behind [`MIN_RATE`] after
/// [`BODY_GRACE`] (the connection then closes).
pub struct BodyReader<'r, 'a> {
    request: &'r mut Request<'a>,
    started: Instant,
    received: usize,
}

impl Read for BodyReader<'_, '_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let request = &mut *self.request;
        let conn = &mut *request.conn;
        let want = out.len().min(conn.body_left);
        if want == 0 {
            return Ok(0);
        }
        if request.expect_continue {
            request.expect_continue = false;
            conn.write_bounded(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let n = if conn.buf.is_empty() {
            let due = self.started + BODY_GRACE + at_min_rate(self.received);
            let now = Instant::now();
            if now >= due {
                conn.close = true;
                return Err(io::ErrorKind::TimedOut.into());
            }
            conn.stream
                .set_read_timeout(Some((due - now).min(HEAD_TIME)))?;
            match conn.stream.read(&mut out[..want]) {
                Ok(0) => {
                    conn.close = true;
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => 0,
                Err(e) => {
                    conn.close = true;
                    return Err(e);
                }
            }
        } else {
            let n = want.min(conn.buf.len());
            out[..n].copy_from_slice(&conn.buf[..n]);
            conn.buf.drain(..n);
            n
        };
        conn.body_left -= n;
        self.received += n;
        Ok(n)
    }
}

/// What is sent back: a status, headers and the whole body.
#[derive(Debug)]
pub struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    /// `status` with `body`.
    pub fn new(status: u16, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// `status` with no body.
    pub fn empty(status: u16) -> Response {
        Response::new(status, Vec::new())
    }

    /// Adds a header; one whose name or value could break the head (a line break, a control
    /// character) is left out.
    pub fn add_header(&mut self, name: &str, value: &str) {
        let token = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
        };
        if token(name) && !value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
            self.headers.push((name.to_string(), value.to_string()));
        }
    }

    /// With header `name: value` added.
    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.add_header(name, value);
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        303 => "See Other",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_that_would_break_the_head_are_left_out() {
        let mut r = Response::empty(301);
        r.add_header("Location", "/a\r\nSet-Cookie: x=1");
        r.add_header("Bad Name", "x");
        r.add_header("Location", "/berita/");
        assert_eq!(r.headers, vec![("Location".into(), "/berita/".into())]);
    }

    #[test]
    fn a_slow_body_is_allowed_its_size_at_the_minimum_rate() {
        assert_eq!(at_min_rate(0), Duration::ZERO);
        assert_eq!(at_min_rate(64 * 1024 * 10), Duration::from_secs(10));
    }
}
