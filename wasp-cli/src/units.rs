//! Durations and sizes as people write them on a command line: `500ms`, `30s`, `64MiB`.

use std::time::Duration;

/// `500ms`, `30s`, `2m`, `1.5s`; a bare number is seconds. `None` for `none`/`off`.
pub fn duration(text: &str) -> Result<Option<Duration>, String> {
    let t = text.trim();
    if matches!(t, "none" | "off" | "never") {
        return Ok(None);
    }
    let (number, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = t.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (t, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a duration: write 500ms, 30s, 2m or none"))?;
    Duration::try_from_secs_f64(value * scale)
        .map(Some)
        .map_err(|_| format!("`{text}` is not a duration: write 500ms, 30s, 2m or none"))
}

/// `64MiB`, `1GiB`, `512KiB`, `100MB`, `65536`: bytes. Binary units (KiB, MiB, GiB, and the
/// bare K, M, G) are powers of 1024; KB, MB, GB powers of 1000.
pub fn size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let units: [(&str, u64); 10] = [
        ("KiB", 1 << 10),
        ("MiB", 1 << 20),
        ("GiB", 1 << 30),
        ("KB", 1_000),
        ("MB", 1_000_000),
        ("GB", 1_000_000_000),
        ("K", 1 << 10),
        ("M", 1 << 20),
        ("G", 1 << 30),
        ("B", 1),
    ];
    let (number, scale) = units
        .iter()
        .find_map(|(suffix, scale)| t.strip_suffix(suffix).map(|n| (n, *scale)))
        .unwrap_or((t, 1));
    let wrong = || format!("`{text}` is not a size: write 64MiB, 1GiB or a number of bytes");
    let value: f64 = number.trim().parse().map_err(|_| wrong())?;
    let bytes = value * scale as f64;
    if !(0.0..=usize::MAX as f64).contains(&bytes) {
        return Err(wrong());
    }
    Ok(bytes as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("500ms"), Ok(Some(Duration::from_millis(500))));
        assert_eq!(duration("2"), Ok(Some(Duration::from_secs(2))));
        assert_eq!(duration("1.5s"), Ok(Some(Duration::from_millis(1500))));
        assert_eq!(duration("2m"), Ok(Some(Duration::from_secs(120))));
        assert_eq!(duration("none"), Ok(None));
        assert!(duration("soon").is_err());
        assert!(duration("-1s").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(size("64MiB"), Ok(64 << 20));
        assert_eq!(size("1GiB"), Ok(1 << 30));
        assert_eq!(size("100MB"), Ok(100_000_000));
        assert_eq!(size("65536"), Ok(65536));
        assert_eq!(size("2G"), Ok(2 << 30));
        assert!(size("lots").is_err());
        assert!(size("-1").is_err());
    }
}
