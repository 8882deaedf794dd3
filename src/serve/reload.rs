//! Live reload by Server-Sent Events: each open tab holds a `/__cerdas/reload` stream; a
//! rebuild sends `reload` (or `css` when only stylesheets changed); a heartbeat drops tabs
//! that have gone away.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The open event streams.
#[derive(Clone, Default)]
pub struct Clients(Arc<Mutex<Vec<Box<dyn Write + Send>>>>);

const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\nAccess-Control-Allow-Origin: *\r\n\r\n";

impl Clients {
    /// Turns `request` into an event stream and keeps it.
    pub fn subscribe(&self, request: tiny_http::Request) {
        let mut writer = request.into_writer();
        let greeted = writer
            .write_all(HEAD.as_bytes())
            .and_then(|_| writer.write_all(b": terhubung\n\n"))
            .and_then(|_| writer.flush());
        if let (Ok(()), Ok(mut list)) = (greeted, self.0.lock()) {
            list.push(writer);
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
