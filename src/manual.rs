//! Shell completions and man pages, generated from the clap definitions in `cli` (the
//! one place a flag is defined), so neither can drift from the flags.

use crate::cli::Cli;
use crate::{Error, Result};
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "corvid", out);
}

/// Writes the man page of `corvid` (roff) to `out`.
pub fn man_page(out: &mut dyn Write) -> Result<()> {
    clap_mangen::Man::new(Cli::command())
        .render(out)
        .map_err(|e| Error::output("stdout", e))
}

/// Writes `corvid.1` and one `corvid-<command>.1` per command into `dir`; returns the
/// files written.
pub fn man_pages(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::output(dir.display().to_string(), e))?;
    let cmd = Cli::command();
    let mut pages = vec![("corvid.1".to_string(), cmd.clone())];
    for sub in cmd.get_subcommands() {
        let name = format!("corvid-{}", sub.get_name());
        pages.push((format!("{name}.1"), sub.clone().name(name)));
    }
    let mut written = Vec::new();
    for (file, page) in pages {
        let path = dir.join(file);
        let mut buf = Vec::new();
        clap_mangen::Man::new(page)
            .render(&mut buf)
            .and_then(|_| std::fs::write(&path, buf))
            .map_err(|e| Error::output(path.display().to_string(), e))?;
        written.push(path);
    }
    Ok(written)
}
