//! JSON-RPC over stdio, as `lsp-server` frames it, but tolerant: a malformed message (bad
//! headers, a body that is not JSON, a `Content-Length` past [`MAX_MESSAGE_BYTES`]) is
//! skipped and reported to the main loop as a [`MALFORMED`] notification instead of ending
//! the server, as `lsp_server::Connection::stdio` does.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{Message, Notification};

/// The method of the notification the reader sends in place of a malformed message; its
/// params are `{"message": "..."}`.
pub const MALFORMED: &str = "$/kubeha/malformedMessage";

/// The largest message read: a 64 MiB manifest (the default file limit) escaped as JSON.
pub const MAX_MESSAGE_BYTES: usize = 160 << 20;

/// The reader and writer threads of a connection.
pub struct IoThreads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for both threads (the writer ends when every sender is dropped).
    pub fn join(self) -> io::Result<()> {
        let _ = self.reader.join();
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

/// A connection over `input` and `output` (stdin and stdout for a real server).
pub fn connect(
    input: impl BufRead + Send + 'static,
    output: impl Write + Send + 'static,
) -> io::Result<(lsp_server::Connection, IoThreads)> {
    let (to_writer, from_server) = unbounded::<Message>();
    let (to_server, from_reader) = unbounded::<Message>();
    let writer = thread::Builder::new()
        .name("kubeha-lsp-writer".into())
        .spawn(move || write_all(&from_server, output))?;
    let reader = thread::Builder::new()
        .name("kubeha-lsp-reader".into())
        .spawn(move || read_all(input, &to_server))?;
    Ok((
        lsp_server::Connection {
            sender: to_writer,
            receiver: from_reader,
        },
        IoThreads { reader, writer },
    ))
}

fn write_all(messages: &Receiver<Message>, mut output: impl Write) -> io::Result<()> {
    for message in messages {
        message.write(&mut output)?;
    }
    Ok(())
}

fn read_all(mut input: impl BufRead, server: &Sender<Message>) {
    loop {
        let message = match read_frame(&mut input) {
            // The end of the input, or the stream itself failed (closed mid-message): nothing
            // more will come.
            Ok(None) | Err(_) => return,
            Ok(Some(Ok(body))) => match serde_json::from_slice::<Message>(&body) {
                Ok(message) => message,
                Err(e) => malformed(&format!("the message is not JSON-RPC: {e}")),
            },
            Ok(Some(Err(why))) => malformed(&why),
        };
        let is_exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        if server.send(message).is_err() || is_exit {
            return;
        }
    }
}

fn malformed(message: &str) -> Message {
    Message::Notification(Notification::new(
        MALFORMED.to_owned(),
        serde_json::json!({ "message": message }),
    ))
}

/// One frame: `Ok(None)` at the end of the input, `Ok(Some(Err(why)))` for a frame that was
/// skipped (the stream is still in step), `Err` when the stream broke.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Result<Vec<u8>, String>>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        // A header line is short; a longer one is not a header (and is not buffered whole).
        let n = input.by_ref().take(4096).read_until(b'\n', &mut line)?;
        if n == 0 {
            return if first {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        first = false;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|e| format!("bad Content-Length `{}`: {e}", value.trim())),
            );
        }
    }
    let length = match length {
        None => return Ok(Some(Err("a message without Content-Length".to_owned()))),
        Some(Err(why)) => return Ok(Some(Err(why))),
        Some(Ok(length)) => length,
    };
    if length > MAX_MESSAGE_BYTES {
        // Skip the body without holding it, so the stream stays in step.
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        return Ok(Some(Err(format!(
            "a message of {length} bytes, more than the limit of {MAX_MESSAGE_BYTES}"
        ))));
    }
    let mut body = Vec::new();
    input.by_ref().take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(Some(Ok(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Result<Vec<u8>, String>> {
        let mut input = io::BufReader::new(input);
        let mut out = Vec::new();
        while let Ok(Some(frame)) = read_frame(&mut input) {
            out.push(frame);
        }
        out
    }

    #[test]
    fn malformed_frames_are_skipped_and_the_stream_stays_in_step() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Length: x\r\n\r\nContent-Length: 3\r\n\r\nabcContent-Length: 999999999999\r\n\r\n";
        let got = frames(input);
        assert_eq!(got.first(), Some(&Ok(b"{}".to_vec())));
        assert!(matches!(got.get(1), Some(Err(why)) if why.contains("Content-Length")));
        assert_eq!(got.get(2), Some(&Ok(b"abc".to_vec())));
        assert!(matches!(got.get(3), Some(Err(why)) if why.contains("limit")));
    }
}
