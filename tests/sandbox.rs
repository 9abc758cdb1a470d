//! Each instance's sandbox: the files, environment, arguments and standard input it is given,
//! and nothing else. Every test uses real directories under the system's temporary directory
//! and a real plugin that tries, with plain `std`, to reach what it should not.

mod common;

use common::{TempDir, sandbox_plugin};
use sandbox_contract::IoFailure;
use wasp_host::{Access, InstanceConfig};

/// WASI's `ENOENT` ("No such file or directory").
const ENOENT: i32 = 44;
/// WASI's `EPERM` ("Operation not permitted"): what a read-only mount answers to a change.
const EPERM: i32 = 63;
/// WASI's `EBADF`: a file descriptor that is not open.
const EBADF: i32 = 8;

fn instance(config: &InstanceConfig) -> wasp_host::Instance<dyn sandbox_contract::Sandbox> {
    sandbox_plugin().instantiate_with((), config).unwrap()
}

fn errno(result: Result<impl std::fmt::Debug, IoFailure>) -> i32 {
    match result {
        Ok(v) => panic!("expected a WASI error, the plugin got {v:?}"),
        Err(failure) => failure
            .errno
            .unwrap_or_else(|| panic!("no errno in {failure:?}")),
    }
}

#[test]
fn the_default_sandbox_grants_nothing() {
    let mut p = instance(&InstanceConfig::default());
    assert_eq!(p.env_vars().unwrap(), Vec::new());
    assert_eq!(p.args().unwrap(), Vec::<String>::new());
    assert_eq!(p.read_stdin().unwrap(), Ok(Vec::new()));
    let here = std::env::current_dir().unwrap();
    let host_file = here.join("Cargo.toml");
    for path in [
        "/".to_string(),
        ".".to_string(),
        "/etc/passwd".to_string(),
        host_file.to_string_lossy().into_owned(),
    ] {
        assert!(p.read_file(path.clone()).unwrap().is_err(), "{path}");
        assert!(p.list_dir(path.clone()).unwrap().is_err(), "{path}");
    }
    assert!(p.write_file("/x".into(), b"x".to_vec()).unwrap().is_err());
}

#[test]
fn a_mount_shows_its_directory_and_only_it() {
    let dir = TempDir::new("mount");
    dir.write("a.txt", "alpha");
    dir.write("sub/b.txt", "beta");
    let mut p = instance(&InstanceConfig::new().mount(&dir.path, "/data", Access::ReadOnly));
    assert_eq!(
        p.list_dir("/data".into()).unwrap(),
        Ok(vec!["a.txt".into(), "sub".into()])
    );
    assert_eq!(
        p.read_file("/data/a.txt".into()).unwrap(),
        Ok(b"alpha".to_vec())
    );
    assert_eq!(
        p.read_file("/data/sub/b.txt".into()).unwrap(),
        Ok(b"beta".to_vec())
    );
    assert_eq!(errno(p.read_file("/data/missing".into()).unwrap()), ENOENT);
}

#[test]
fn an_instance_cannot_read_another_instances_mount() {
    let (dir_a, dir_b) = (TempDir::new("mount-a"), TempDir::new("mount-b"));
    dir_a.write("only-a.txt", "secret of a");
    dir_b.write("only-b.txt", "secret of b");
    let mut a = instance(&InstanceConfig::new().mount(&dir_a.path, "/data", Access::ReadWrite));
    let mut b = instance(&InstanceConfig::new().mount(&dir_b.path, "/data", Access::ReadWrite));
    let mut none = instance(&InstanceConfig::new());

    assert_eq!(
        a.list_dir("/data".into()).unwrap(),
        Ok(vec!["only-a.txt".into()])
    );
    assert_eq!(
        b.list_dir("/data".into()).unwrap(),
        Ok(vec!["only-b.txt".into()])
    );
    assert_eq!(
        errno(b.read_file("/data/only-a.txt".into()).unwrap()),
        ENOENT
    );
    assert_eq!(
        errno(a.read_file("/data/only-b.txt".into()).unwrap()),
        ENOENT
    );
    // Not through the host's path of the other mount either, nor from an instance without one.
    let a_on_host = dir_a.join("only-a.txt").to_string_lossy().into_owned();
    assert!(b.read_file(a_on_host.clone()).unwrap().is_err());
    assert!(none.read_file(a_on_host).unwrap().is_err());
    assert!(none.read_file("/data/only-a.txt".into()).unwrap().is_err());

    // What one instance writes into its mount, the other does not see.
    a.write_file("/data/new.txt".into(), b"from a".to_vec())
        .unwrap()
        .unwrap();
    assert_eq!(errno(b.read_file("/data/new.txt".into()).unwrap()), ENOENT);
    assert_eq!(std::fs::read(dir_a.join("new.txt")).unwrap(), b"from a");
    assert!(!dir_b.join("new.txt").exists());
}

#[test]
fn dot_dot_absolute_paths_and_symlinks_cannot_escape_a_mount() {
    let root = TempDir::new("escape");
    let secret = root.write("secret.txt", "outside the mount");
    root.write("mount/inside.txt", "inside");
    root.write("mount/sub/deeper.txt", "deeper");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("../secret.txt", root.join("mount/relative-link")).unwrap();
        std::os::unix::fs::symlink(&secret, root.join("mount/absolute-link")).unwrap();
        std::os::unix::fs::symlink("..", root.join("mount/parent-link")).unwrap();
    }
    let mut p =
        instance(&InstanceConfig::new().mount(root.join("mount"), "/data", Access::ReadWrite));
    assert_eq!(
        p.read_file("/data/sub/../inside.txt".into()).unwrap(),
        Ok(b"inside".to_vec())
    );

    // Paths through the mount reach the host, which refuses to leave it...
    for path in [
        "/data/../secret.txt",
        "/data/sub/../../secret.txt",
        "/data/./../secret.txt",
        "/data/relative-link",
        "/data/absolute-link",
        "/data/parent-link/secret.txt",
    ] {
        let failure = p.read_file(path.to_string()).unwrap().expect_err(path);
        assert_eq!(failure.errno, Some(EPERM), "{path}: {failure:?}");
        assert!(
            p.list_dir(format!("{path}/..")).unwrap().is_err(),
            "{path}/.."
        );
    }
    // ... and paths outside every mount do not even get there: the plugin's own libc finds
    // no mount to send them through. (`hand_written_opens_cannot_leave_a_mount_either` sends
    // such paths to the host directly.)
    let secret_on_host = secret.to_string_lossy().into_owned();
    for path in [
        "../secret.txt",
        "secret.txt",
        "/secret.txt",
        "/etc/passwd",
        &secret_on_host,
    ] {
        let failure = p.read_file(path.to_string()).unwrap().expect_err(path);
        assert!(
            failure
                .message
                .contains("failed to find a pre-opened file descriptor"),
            "{path}: {failure:?}"
        );
    }
    let before = root.snapshot();
    for path in [
        "/data/../escaped.txt",
        "/data/sub/../../escaped.txt",
        "/data/parent-link/escaped.txt",
    ] {
        assert!(
            p.write_file(path.to_string(), b"x".to_vec())
                .unwrap()
                .is_err(),
            "{path}"
        );
        assert!(p.create_dir(path.to_string()).unwrap().is_err(), "{path}");
    }
    assert!(
        p.rename("/data/inside.txt".into(), "/data/../moved.txt".into())
            .unwrap()
            .is_err()
    );
    assert!(
        p.remove_file("/data/../secret.txt".into())
            .unwrap()
            .is_err()
    );
    assert_eq!(root.snapshot(), before);
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "outside the mount"
    );
}

#[test]
fn a_read_only_mount_refuses_every_change_with_a_wasi_error() {
    let dir = TempDir::new("read-only");
    dir.write("existing.txt", "original");
    dir.write("sub/kept.txt", "kept");
    let before = dir.snapshot();
    let mut p = instance(&InstanceConfig::new().mount(&dir.path, "/data", Access::ReadOnly));

    let refused = [
        (
            "create a file",
            p.write_file("/data/new.txt".into(), b"x".to_vec()).unwrap(),
        ),
        (
            "truncate a file",
            p.write_file("/data/existing.txt".into(), b"x".to_vec())
                .unwrap(),
        ),
        (
            "append to a file",
            p.append_file("/data/existing.txt".into(), b"x".to_vec())
                .unwrap(),
        ),
        (
            "create a directory",
            p.create_dir("/data/newdir".into()).unwrap(),
        ),
        (
            "remove a file",
            p.remove_file("/data/existing.txt".into()).unwrap(),
        ),
        (
            "rename a file",
            p.rename("/data/existing.txt".into(), "/data/renamed.txt".into())
                .unwrap(),
        ),
    ];
    for (what, result) in refused {
        let failure = result.expect_err(what);
        assert_eq!(failure.errno, Some(EPERM), "{what}: {failure:?}");
        assert_eq!(failure.kind, "PermissionDenied", "{what}: {failure:?}");
    }
    assert_eq!(dir.snapshot(), before);
    // Reading still works.
    assert_eq!(
        p.read_file("/data/existing.txt".into()).unwrap(),
        Ok(b"original".to_vec())
    );
    assert_eq!(
        p.list_dir("/data/sub".into()).unwrap(),
        Ok(vec!["kept.txt".into()])
    );
}

#[test]
fn a_read_write_mount_takes_changes_and_mounts_combine() {
    let (input, output) = (TempDir::new("in"), TempDir::new("out"));
    input.write("source.txt", "data");
    let mut p = instance(
        &InstanceConfig::new()
            .mount(&input.path, "/in", Access::ReadOnly)
            .mount(&output.path, "/out", Access::ReadWrite),
    );
    let data = p.read_file("/in/source.txt".into()).unwrap().unwrap();
    p.create_dir("/out/dir".into()).unwrap().unwrap();
    p.write_file("/out/dir/copy.txt".into(), data)
        .unwrap()
        .unwrap();
    p.append_file("/out/dir/copy.txt".into(), b"+more".to_vec())
        .unwrap()
        .unwrap();
    p.write_file("/out/gone.txt".into(), b"x".to_vec())
        .unwrap()
        .unwrap();
    p.rename("/out/gone.txt".into(), "/out/kept.txt".into())
        .unwrap()
        .unwrap();
    p.write_file("/out/removed.txt".into(), b"x".to_vec())
        .unwrap()
        .unwrap();
    p.remove_file("/out/removed.txt".into()).unwrap().unwrap();
    assert_eq!(
        output.snapshot(),
        vec![
            ("dir/".to_string(), Vec::new()),
            ("dir/copy.txt".to_string(), b"data+more".to_vec()),
            ("kept.txt".to_string(), b"x".to_vec()),
        ]
    );
    // Writing into the read-only mount is still refused.
    assert_eq!(
        errno(p.write_file("/in/x".into(), b"x".to_vec()).unwrap()),
        EPERM
    );
    // Moving a file out of the writable mount into the read-only one is refused as well.
    assert!(
        p.rename("/out/kept.txt".into(), "/in/kept.txt".into())
            .unwrap()
            .is_err()
    );
    assert!(!input.join("kept.txt").exists());
}

#[test]
fn environment_variables_of_one_instance_are_invisible_to_another() {
    let config_a = InstanceConfig::new().env("SHARED", "a").env("ONLY_A", "1");
    let config_b = InstanceConfig::new().env("SHARED", "b");
    let mut a = instance(&config_a);
    let mut b = instance(&config_b);
    let mut none = instance(&InstanceConfig::new());
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        a.env_vars().unwrap(),
        pairs(&[("SHARED", "a"), ("ONLY_A", "1")])
    );
    assert_eq!(b.env_vars().unwrap(), pairs(&[("SHARED", "b")]));
    assert_eq!(b.env_var("ONLY_A".into()).unwrap(), None);
    // The host's own environment is never passed on.
    assert!(std::env::var_os("PATH").is_some());
    assert_eq!(none.env_vars().unwrap(), Vec::new());
    assert_eq!(none.env_var("PATH".into()).unwrap(), None);
    // A second instance from the same configuration gets the same variables, and a change to
    // one configuration does not reach instances already made from it.
    let config_a = config_a.env("ONLY_A", "2");
    assert_eq!(
        instance(&config_a).env_var("ONLY_A".into()).unwrap(),
        Some("2".into())
    );
    assert_eq!(a.env_var("ONLY_A".into()).unwrap(), Some("1".into()));
}

#[test]
fn arguments_and_standard_input_are_given_per_instance() {
    let config = InstanceConfig::new()
        .arg("tool")
        .args(["--flag", "two words"])
        .stdin(b"line 1\nline 2\n".to_vec());
    let mut first = instance(&config);
    let mut second = instance(&config);
    let args: Vec<String> = vec!["tool".into(), "--flag".into(), "two words".into()];
    assert_eq!(first.args().unwrap(), args);
    assert_eq!(
        first.read_stdin().unwrap(),
        Ok(b"line 1\nline 2\n".to_vec())
    );
    assert_eq!(
        first.read_stdin().unwrap(),
        Ok(Vec::new()),
        "standard input is read once"
    );
    assert_eq!(
        second.read_stdin().unwrap(),
        Ok(b"line 1\nline 2\n".to_vec())
    );
    assert_eq!(
        instance(&InstanceConfig::new()).args().unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn a_mount_whose_host_directory_is_missing_fails_instantiation() {
    let dir = TempDir::new("missing");
    let missing = dir.join("not-there");
    let config = InstanceConfig::new().mount(&missing, "/data", Access::ReadOnly);
    match sandbox_plugin()
        .instantiate_with((), &config)
        .err()
        .unwrap()
    {
        wasp::Error::Io { path, source } => {
            assert_eq!(path, missing);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
}

/// Calls WASI's `path_open` directly, as a plugin that does not use a libc could, and returns
/// its errno (0 on success).
const OPENER: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "wasp_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "open") (param $dir i32) (param $ptr i32) (param $len i32) (result i32)
    ;; follow symlinks; no flags; the right to read; the new fd goes to address 0
    (call $path_open (local.get $dir) (i32.const 1) (local.get $ptr) (local.get $len)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0))))"#;

#[test]
fn hand_written_opens_cannot_leave_a_mount_either() {
    let root = TempDir::new("raw-escape");
    let secret = root.write("secret.txt", "outside the mount");
    root.write("mount/inside.txt", "inside");
    #[cfg(unix)]
    std::os::unix::fs::symlink("../secret.txt", root.join("mount/link")).unwrap();
    let plugin = common::engine()
        .load_raw_bytes(&wasp_host::Engine::wat(OPENER).unwrap())
        .unwrap();
    let config = InstanceConfig::new().mount(root.join("mount"), "/data", Access::ReadOnly);
    let mut raw = plugin.instantiate_with(&config).unwrap();
    // The first mount is file descriptor 3 (after standard input, output and error).
    assert_eq!(raw.call::<i32>("open", (3, "inside.txt")).unwrap(), 0);
    let secret_on_host = secret.to_string_lossy().into_owned();
    for path in ["../secret.txt", "link", "/etc/passwd", "/", &secret_on_host] {
        let errno = raw.call::<i32>("open", (3, path)).unwrap();
        assert_eq!(errno, EPERM, "{path}");
    }
    // Descriptors that are not a mount: standard output, and one that does not exist.
    assert_ne!(raw.call::<i32>("open", (1, "inside.txt")).unwrap(), 0);
    assert_eq!(raw.call::<i32>("open", (99, "inside.txt")).unwrap(), EBADF);
    // Without mounts there is no descriptor 3 at all.
    let mut bare = plugin.instantiate().unwrap();
    assert_eq!(bare.call::<i32>("open", (3, "inside.txt")).unwrap(), EBADF);
}
