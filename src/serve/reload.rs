//! Live reload by Server-Sent Events: each open tab holds a `/__cerdas/reload` stream; a
//! rebuild sends `reload` (or `css` when only stylesheets changed); a heartbeat drops tabs
//! that have gone away. At most [`MAX_STREAMS`] are open at once.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::conn::{Request, Response};

/// The most live reload streams open at once (tabs past it are answered 503 and reload by
/// hand); a stream that takes more than [`WRITE_TIME`] to accept an event is dropped.
pub const MAX_STREAMS: usize = 32;
/// How long an event may take to be written to one stream.
const WRITE_TIME: Duration = Duration::from_secs(2);

/// The open event streams.
#[derive(Clone, Default)]
pub struct Clients(Arc<Mutex<Vec<Box<dyn Write + Send>>>>);

const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\nAccess-Control-Allow-Origin: *\r\n\r\n";

impl Clients {
    /// Turns `request` into an event stream and keeps it.
    pub fn subscribe(&self, request: Request<'_>) {
        let Ok(mut list) = self.0.lock() else {
            request.respond(Response::empty(500));
            return;
        };
        if list.len() >= MAX_STREAMS {
            request.respond(Response::empty(503).with_header("Retry-After", "10"));
            return;
        }
        let Some(mut stream) = request.into_stream() else {
            return;
        };
        let greeted = stream
            .set_write_timeout(Some(WRITE_TIME))
            .and_then(|_| stream.write_all(HEAD.as_bytes()))
            .and_then(|_| stream.write_all(b": terhubung\n\n"))
            .and_then(|_| stream.flush());
        if greeted.is_ok() {
            list.push(Box::new(stream));
        }
    }

    /// Sends `event` to every stream, dropping the ones that fail.
    pub fn broadcast(&self, event: &str) {
        self.send(format!("event: {event}\ndata: {event}\n\n").as_bytes());
    }

    fn send(&self, bytes: &[u8]) {
        if let Ok(mut list) = self.0.lock() {
            list.retain_mut(|w| w.write_all(bytes).and_then(|_| w.flush()).is_ok());
        }
    }

    /// Sends a comment every `every` so dead connections are noticed and dropped.
    pub fn heartbeat_forever(&self, every: Duration) {
        loop {
            std::thread::sleep(every);
            self.send(b": ping\n\n");
        }
    }
}
