//! Running external tools with errors that say which command failed and why.

use std::process::{Command, Stdio};

/// The command line as a user could retype it, for messages.
pub fn describe(cmd: &Command) -> String {
    let mut words = vec![cmd.get_program().to_string_lossy().into_owned()];
    words.extend(cmd.get_args().map(|a| {
        let a = a.to_string_lossy();
        if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$`\\".contains(c)) {
            format!("'{}'", a.replace('\'', r"'\''"))
        } else {
            a.into_owned()
        }
    }));
    words.join(" ")
}

/// Runs with the terminal attached, so the user sees compiler output as it happens; the error
/// points there instead of repeating it.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run `{}`: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{}` failed ({status}); its output is above",
            describe(cmd)
        ))
    }
}

/// Runs to completion and returns standard output; on failure the error carries standard
/// error, since nothing was shown yet.
pub fn stdout(cmd: &mut Command) -> Result<String, String> {
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", describe(cmd)))?;
    if !output.status.success() {
        return Err(format!(
            "`{}` failed ({}):\n{}",
            describe(cmd),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim_end()
        ));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| format!("`{}` printed invalid UTF-8", describe(cmd)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_a_shell_would_split() {
        let mut cmd = Command::new("cargo");
        cmd.args(["build", "--config", "a.b=\"c d\"", "it's", ""]);
        assert_eq!(
            describe(&cmd),
            r#"cargo build --config 'a.b="c d"' 'it'\''s' ''"#
        );
    }

    #[test]
    fn missing_program_is_an_error_not_a_panic() {
        let err = stdout(&mut Command::new("/nonexistent/xtask-test-program")).unwrap_err();
        assert!(err.contains("cannot run"), "{err}");
    }
}
