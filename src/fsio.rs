//! Writing whole files safely: every file ttx writes in one piece (reports,
//! the MSEL, journals from `ttx run`, batch results, charts) goes through
//! [`write_atomic`], so a reader never sees half a file and a failed write
//! (a full disk, for example) leaves nothing behind: no temporary file and no
//! directory that the write created.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path`: to a temporary file beside it, synced, then renamed over it.
///
/// Missing parent directories are created; when the write fails, the
/// temporary file and the directories it created are removed again. A path
/// that exists and is not a regular file (`/dev/stdout`, a named pipe) is
/// written directly, since it cannot be replaced by a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if is_special(path) {
        // A device or a pipe: there is nothing to replace (or to sync), only something to write to.
        return std::fs::OpenOptions::new().write(true).open(path)?.write_all(bytes);
    }
    write_atomic_with(path, |f| {
        f.write_all(bytes)?;
        f.sync_all()
    })
}

/// Whether `path` is written in place: it exists and is neither a regular file nor a
/// directory, or it is one of the system's device names (`/dev/stdout` is a regular file
/// when standard output goes to one, and must not be replaced).
fn is_special(path: &Path) -> bool {
    path.starts_with("/dev")
        || path.starts_with("/proc")
        || std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// [`write_atomic`] with the writing of the temporary file left to `fill`.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if is_special(path) {
        let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
        return fill(&mut f);
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let created = create_dirs(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = File::create(&tmp).and_then(|mut f| fill(&mut f)).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
        remove_empty_dirs(&created);
    }
    result
}

/// Creates `dir` and its missing parents; returns the ones it created, deepest first.
pub fn create_dirs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut d = Some(dir);
    while let Some(p) = d.filter(|p| !p.as_os_str().is_empty()) {
        if p.exists() {
            break;
        }
        missing.push(p.to_path_buf());
        d = p.parent();
    }
    for p in missing.iter().rev() {
        match std::fs::create_dir(p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && p.is_dir() => {}
            Err(e) => {
                remove_empty_dirs(&missing);
                return Err(e);
            }
        }
    }
    Ok(missing)
}

/// Removes the given directories, deepest first, as long as they are empty.
pub fn remove_empty_dirs(dirs: &[PathBuf]) {
    for d in dirs {
        if std::fs::remove_dir(d).is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ttx-fsio-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file_and_no_new_directory() {
        let d = scratch("fail");
        let target = d.join("a-charts").join("deeper").join("x.svg");
        let full = std::io::Error::from_raw_os_error(28);
        let r = write_atomic_with(&target, |f| {
            f.write_all(b"half")?;
            Err(full)
        });
        assert_eq!(r.unwrap_err().raw_os_error(), Some(28));
        assert!(names(&d).is_empty(), "left behind: {:?}", names(&d));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_the_directories_that_were_there() {
        let d = scratch("keep");
        let target = d.join("x.csv");
        std::fs::write(&target, "old\n").unwrap();
        let r = write_atomic_with(&target, |_| Err(std::io::Error::from_raw_os_error(28)));
        assert!(r.is_err());
        assert_eq!(names(&d), vec!["x.csv".to_string()]);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
        write_atomic(&target, b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(names(&d), vec!["x.csv".to_string()]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_device_is_written_to_not_replaced() {
        let r = write_atomic(Path::new("/dev/full"), b"x");
        assert_eq!(r.unwrap_err().raw_os_error(), Some(28));
        assert!(Path::new("/dev/full").exists());
        write_atomic(Path::new("/dev/null"), b"x").unwrap();
    }
}
