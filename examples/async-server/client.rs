//! A minimal HTTP/1.1 client over one keep-alive connection, for the async-server example's
//! test and load bench (`tests/async_server.rs`, `benches/async_server.rs` include this file).
//! It speaks just what the example's server answers: a status line, headers with a
//! `content-length`, and that many bytes of body.

use std::io;
use std::net::SocketAddr;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Headers longer than this are an error, not a reason to buffer without end.
const MAX_HEAD: usize = 16 * 1024;

pub struct Connection {
    stream: BufReader<TcpStream>,
    request: Vec<u8>,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> io::Result<Connection> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream: BufReader::new(stream),
            request: Vec::new(),
        })
    }

    /// Sends one request and reads its response: the status and the body as text.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        body: &str,
    ) -> io::Result<(u16, String)> {
        self.request.clear();
        self.request.extend_from_slice(
            format!(
                "{method} {path} HTTP/1.1\r\nhost: localhost\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        self.request.extend_from_slice(body.as_bytes());
        self.stream.get_mut().write_all(&self.request).await?;

        let mut line = String::new();
        let mut head = 0;
        let mut status = None;
        let mut length = None;
        loop {
            line.clear();
            let n = self.stream.read_line(&mut line).await?;
            head += n;
            if n == 0 {
                return Err(invalid("connection closed before the response ended"));
            }
            if head > MAX_HEAD {
                return Err(invalid("response head too long"));
            }
            let text = line.trim_end();
            if status.is_none() {
                let code = text
                    .strip_prefix("HTTP/1.1 ")
                    .and_then(|rest| rest.get(..3))
                    .and_then(|code| code.parse::<u16>().ok())
                    .ok_or_else(|| invalid("no HTTP/1.1 status line"))?;
                status = Some(code);
            } else if text.is_empty() {
                break;
            } else if let Some((name, value)) = text.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| invalid("bad content-length"))?,
                );
            }
        }
        let length = length.ok_or_else(|| invalid("no content-length"))?;
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await?;
        let body = String::from_utf8(body).map_err(|_| invalid("body is not UTF-8"))?;
        Ok((status.unwrap_or_default(), body))
    }
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}
