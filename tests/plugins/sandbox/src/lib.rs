//! Implements the sandbox test contract with plain `std`: whatever the sandbox allows works,
//! and whatever it refuses comes back as the WASI error the plugin saw.

use sandbox_contract::{IoFailure, Sandbox};
use std::cell::Cell;
use std::fmt;
use std::io::{Read, Write};

#[derive(Default)]
struct Plugin;

fn failure(e: std::io::Error) -> IoFailure {
    IoFailure {
        errno: e.raw_os_error(),
        kind: format!("{:?}", e.kind()),
        message: e.to_string(),
    }
}

fn level(value: u8) -> wasp::Level {
    match wasp::Level::from_i32(i32::from(value)) {
        Some(level) => level,
        None => panic!("no log level {}", value),
    }
}

/// Counts how often it is formatted.
struct Counted<'a>(&'a Cell<u32>);

impl fmt::Display for Counted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.set(self.0.get() + 1);
        f.write_str("expensive")
    }
}

impl Sandbox for Plugin {
    fn read_file(&self, path: String) -> Result<Vec<u8>, IoFailure> {
        std::fs::read(path).map_err(failure)
    }

    fn write_file(&self, path: String, data: Vec<u8>) -> Result<(), IoFailure> {
        std::fs::write(path, data).map_err(failure)
    }

    fn append_file(&self, path: String, data: Vec<u8>) -> Result<(), IoFailure> {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(failure)?;
        file.write_all(&data).map_err(failure)
    }

    fn create_dir(&self, path: String) -> Result<(), IoFailure> {
        std::fs::create_dir(path).map_err(failure)
    }

    fn remove_file(&self, path: String) -> Result<(), IoFailure> {
        std::fs::remove_file(path).map_err(failure)
    }

    fn rename(&self, from: String, to: String) -> Result<(), IoFailure> {
        std::fs::rename(from, to).map_err(failure)
    }

    fn list_dir(&self, path: String) -> Result<Vec<String>, IoFailure> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(path).map_err(failure)? {
            let entry = entry.map_err(failure)?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        Ok(names)
    }

    fn env_vars(&self) -> Vec<(String, String)> {
        std::env::vars().collect()
    }

    fn env_var(&self, name: String) -> Option<String> {
        std::env::var(name).ok()
    }

    fn args(&self) -> Vec<String> {
        std::env::args().collect()
    }

    fn read_stdin(&self) -> Result<Vec<u8>, IoFailure> {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(failure)?;
        Ok(bytes)
    }

    fn print(&self, text: String) -> Result<(), IoFailure> {
        let mut out = std::io::stdout();
        out.write_all(text.as_bytes()).map_err(failure)?;
        out.flush().map_err(failure)
    }

    fn eprint(&self, text: String) -> Result<(), IoFailure> {
        let mut err = std::io::stderr();
        err.write_all(text.as_bytes()).map_err(failure)?;
        err.flush().map_err(failure)
    }

    fn flood_stdout(&self, total: u64) -> Result<u64, IoFailure> {
        let mut chunk = vec![b'x'; 64 * 1024];
        for line_end in chunk.iter_mut().skip(63).step_by(64) {
            *line_end = b'\n';
        }
        let mut out = std::io::stdout();
        let mut written = 0u64;
        while written < total {
            let n = (total - written).min(chunk.len() as u64) as usize;
            written += out.write(&chunk[..n]).map_err(failure)? as u64;
        }
        out.flush().map_err(failure)?;
        Ok(written)
    }

    fn log(&self, level: u8, message: String) {
        match level {
            1 => wasp::error!("{}", message),
            2 => wasp::warn!("{}", message),
            3 => wasp::info!("{}", message),
            4 => wasp::debug!("{}", message),
            5 => wasp::trace!("{}", message),
            other => panic!("no log level {}", other),
        }
    }

    fn log_counted(&self, level_value: u8) -> u32 {
        let count = Cell::new(0);
        wasp::log!(level(level_value), "an {} line", Counted(&count));
        count.get()
    }
}

sandbox_contract::export_sandbox!(Plugin);
