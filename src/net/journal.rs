//! The session journal on disk: appended by the server, synced before any acknowledgment.
//!
//! Lines are written in the order things happen and `fsync`ed in batches;
//! nothing is acknowledged to a console before the batch holding it is on
//! disk. So after a crash the file is always a prefix of the session, at
//! worst ending in a torn line that no one was told about, which
//! [`load_for_resume`] cuts off.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use ttx_engine::journal::{JournalWriter, Record, ReplayError, read_records};

/// An open journal being appended to.
pub struct SessionJournal {
    /// Cuts a failed write back off the file, so a retried commit follows the last whole line.
    writer: JournalWriter<File>,
    path: PathBuf,
    buf: Vec<u8>,
}

impl SessionJournal {
    /// Creates a new journal with its header; refuses to overwrite one.
    pub fn create(path: &Path, header: &Record) -> std::io::Result<SessionJournal> {
        let file = OpenOptions::new().write(true).create_new(true).open(path)?;
        let mut j =
            SessionJournal { writer: JournalWriter::new(file), path: path.to_path_buf(), buf: Vec::new() };
        j.write(header);
        j.commit()?;
        // Make the new file's name durable too.
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(d) = File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(j)
    }

    /// Opens an existing journal to carry on appending.
    pub fn append(path: &Path) -> std::io::Result<SessionJournal> {
        let file = OpenOptions::new().append(true).open(path)?;
        let len = file.metadata()?.len();
        Ok(SessionJournal { writer: JournalWriter::at(file, len), path: path.to_path_buf(), buf: Vec::new() })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Queues a record for the next commit.
    pub fn write(&mut self, r: &Record) {
        self.buf.extend_from_slice(r.to_line().as_bytes());
        self.buf.push(b'\n');
    }

    /// Writes the queued records and waits until they are on disk.
    pub fn commit(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.writer.write_lines(&self.buf, true)?;
        self.buf.clear();
        Ok(())
    }
}

/// A journal read back for `--resume`.
pub struct Resumed {
    /// Its records with line numbers.
    pub records: Vec<(usize, Record)>,
    /// Bytes of a torn last line that were cut off (never acknowledged to anyone).
    pub cut: usize,
}

/// Why a journal could not be read back to resume it.
#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    /// The file cannot be read.
    #[error("cannot read the journal {}: {source}", path.display())]
    Unreadable {
        /// The journal.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Its torn last line cannot be cut off (the file or its folder is read-only, say).
    #[error("cannot repair the journal {}: {source}", path.display())]
    Unrepairable {
        /// The journal.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A whole line of it is not a journal record.
    #[error("the journal {} is damaged: {source}", path.display())]
    Damaged {
        /// The journal.
        path: PathBuf,
        /// Which line, and what is wrong with it.
        source: ReplayError,
    },
    /// It holds no record at all.
    #[error("the journal {} is empty", path.display())]
    Empty {
        /// The journal.
        path: PathBuf,
    },
}

/// Reads a journal to resume it, cutting off a torn last line.
pub fn load_for_resume(path: &Path) -> Result<Resumed, ResumeError> {
    let at = || path.to_path_buf();
    let bytes = std::fs::read(path).map_err(|source| ResumeError::Unreadable { path: at(), source })?;
    let keep = match bytes.iter().rposition(|b| *b == b'\n') {
        Some(i) => i + 1,
        None => 0,
    };
    let cut = bytes.len() - keep;
    if cut > 0 {
        let unrepairable = |source| ResumeError::Unrepairable { path: at(), source };
        let f = OpenOptions::new().write(true).open(path).map_err(unrepairable)?;
        f.set_len(keep as u64).and_then(|_| f.sync_all()).map_err(unrepairable)?;
    }
    let records =
        read_records(&bytes[..keep]).map_err(|source| ResumeError::Damaged { path: at(), source })?;
    if records.is_empty() {
        return Err(ResumeError::Empty { path: at() });
    }
    Ok(Resumed { records, cut })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_torn_last_line_is_cut_and_the_rest_kept() {
        let dir = std::env::temp_dir().join(format!("ttx-journal-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j.jsonl");
        let _ = std::fs::remove_file(&path);
        let sc = ttx_engine::builtin::default_scenario().unwrap();
        let mut j = SessionJournal::create(&path, &Record::header(&sc, 1, "serve")).unwrap();
        assert!(SessionJournal::create(&path, &Record::header(&sc, 1, "serve")).is_err());
        j.write(&Record::End { tick: 3, hash: "00".into() });
        j.commit().unwrap();
        drop(j);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"type\":\"hash\",\"ti").unwrap();
        drop(f);
        let r = load_for_resume(&path).unwrap();
        assert_eq!(r.records.len(), 2);
        assert_eq!(r.cut, 18);
        assert!(std::fs::read(&path).unwrap().ends_with(b"}\n"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
