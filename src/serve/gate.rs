//! A gate requests wait at while part of the site is being made again: closed by the
//! rebuild, opened when what it makes is served. Waiting is bounded, so a request never hangs
//! on a rebuild that went wrong.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// Open, or closed while something is being made.
#[derive(Debug, Default)]
pub struct Gate {
    closed: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    /// Makes requests that reach it wait.
    pub fn close(&self) {
        if let Ok(mut closed) = self.closed.lock() {
            *closed = true;
        }
    }

    /// Lets every waiting request go on.
    pub fn open(&self) {
        if let Ok(mut closed) = self.closed.lock() {
            *closed = false;
        }
        self.opened.notify_all();
    }

    /// Whether it is closed now.
    pub fn is_closed(&self) -> bool {
        self.closed.lock().map(|c| *c).unwrap_or(false)
    }

    /// Waits until it is open, or `at_most`; says whether it is open.
    pub fn wait(&self, at_most: Duration) -> bool {
        let deadline = Instant::now() + at_most;
        let Ok(mut closed) = self.closed.lock() else {
            return true;
        };
        while *closed {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            closed = match self.opened.wait_timeout(closed, left) {
                Ok((guard, _)) => guard,
                Err(_) => return true,
            };
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_waiting_request_goes_on_when_the_gate_opens() {
        let gate = Arc::new(Gate::default());
        gate.close();
        let waiter = {
            let gate = Arc::clone(&gate);
            std::thread::spawn(move || gate.wait(Duration::from_secs(30)))
        };
        std::thread::sleep(Duration::from_millis(50));
        gate.open();
        assert_eq!(waiter.join().ok(), Some(true));
    }

    #[test]
    fn waiting_at_a_gate_left_closed_ends() {
        let gate = Gate::default();
        assert!(
            gate.wait(Duration::from_millis(1)),
            "an open gate lets through"
        );
        gate.close();
        assert!(gate.is_closed());
        assert!(!gate.wait(Duration::from_millis(20)));
    }
}
