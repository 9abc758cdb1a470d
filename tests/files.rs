//! The files example: its plugin through the typed handle in real directories, and the
//! example program's output.

mod common;

use common::events::record;
use common::{TempDir, engine, repo_path};
use files_contract::Files;
use tracing::level_filters::LevelFilter;
use wasp_host::{Access, Instance, InstanceConfig, LOG_TARGET, Output};

#[test]
fn the_plugin_reads_one_mount_writes_the_other_and_logs() {
    let (input, output) = (TempDir::new("files-in"), TempDir::new("files-out"));
    input.write("a.txt", "one two\nthree\n");
    input.write("b.md", "");
    let before = input.snapshot();
    let plugin = engine()
        .load::<dyn Files>(repo_path("examples/files/plugins/files-rust.wasm"))
        .unwrap();
    let config = InstanceConfig::new()
        .mount(&input.path, "/input", Access::ReadOnly)
        .mount(&output.path, "/output", Access::ReadWrite)
        .stdout(Output::Capture);
    let (id, events) = record(LevelFilter::DEBUG, || {
        let mut files = plugin.instantiate_with((), &config).unwrap();
        let reports = files.process("/input".into(), "/output".into()).unwrap();
        assert_eq!(
            reports,
            Ok(vec!["a.report".to_string(), "b.report".to_string()])
        );
        assert_eq!(
            common::stdout(&files).contents(),
            b"processed 2 files into 2 reports\n"
        );
        Instance::id(&files)
    });
    assert_eq!(
        output.snapshot(),
        vec![
            (
                "a.report".to_string(),
                b"file: a.txt\nbytes: 14\nlines: 2\nwords: 3\nlongest word: three\n".to_vec()
            ),
            (
                "b.report".to_string(),
                b"file: b.md\nbytes: 0\nlines: 0\nwords: 0\nlongest word: \n".to_vec()
            ),
        ]
    );
    assert_eq!(input.snapshot(), before, "the read-only mount is unchanged");

    let lines = events.events_of(LOG_TARGET);
    assert!(lines.iter().all(|e| e.once("plugin") == "files-rust"));
    assert!(lines.iter().all(|e| e.once("instance") == id.to_string()));
    let messages: Vec<String> = lines
        .iter()
        .map(|e| format!("{} {}", e.level, e.message()))
        .collect();
    assert_eq!(
        messages,
        [
            "INFO run 1: reading /input, writing /output",
            "DEBUG a.txt: 14 bytes, 2 lines, 3 words",
            "INFO wrote /output/a.report",
            "DEBUG b.md: 0 bytes, 0 lines, 0 words",
            "WARN /input/b.md is empty",
            "INFO wrote /output/b.report",
            "INFO as expected, cannot write /input/written-by-the-plugin.txt: Operation not permitted (os error 63)",
        ]
    );
}

#[test]
fn the_example_prints_the_reports_and_the_plugins_log_lines() {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "files"])
        .current_dir(repo_path(""))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "plugin files-rust (instance 1) wrote [\"empty.report\", \"numbers.report\", \"poem.report\"]",
        "--- /output/poem.report\nfile: poem.txt\nbytes: 63\nlines: 6\nwords: 12\nlongest word: depends\n",
        "--- /input after the call (read-only)\nempty.txt numbers.csv poem.txt\n",
        "--- the plugin's standard output (captured)\nprocessed 3 files into 3 reports\n",
        "INFO  plugin=files-rust instance=1: wrote /output/poem.report\n",
        "WARN  plugin=files-rust instance=1: /input/empty.txt is empty\n",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}
