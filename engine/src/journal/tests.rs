//! Tests of the journal: the header (staffed teams) and the writer.

mod header_tests {
    use super::super::*;

    #[test]
    fn a_header_without_staffed_teams_reads_as_none_staffed_and_is_written_without_them() {
        let sc = crate::builtin::default_scenario().expect("the default scenario loads");
        let header = Record::header(&sc, 3, "run");
        let line = serde_json::to_string(&header).expect("a header serializes");
        assert!(!line.contains("staffed"), "{line}");
        let read: Record = serde_json::from_str(&line).expect("the header reads back");
        assert!(matches!(&read, Record::Header { staffed, .. } if staffed.is_empty()));
        assert!(read.sim_options(SimOptions::default()).staffed.is_empty());

        let teams = vec!["pa".to_string()];
        let staffed = Record::header(&sc, 3, "run").with_staffed(&teams);
        let line = serde_json::to_string(&staffed).expect("a header serializes");
        assert!(line.contains(r#""staffed":["pa"]"#), "{line}");
        let read: Record = serde_json::from_str(&line).expect("the header reads back");
        assert_eq!(read.sim_options(SimOptions::default()).staffed, teams);
    }
}

mod writer_tests {
    use super::super::*;

    /// An output that accepts `room` more bytes, then fails with "no space left" mid-buffer;
    /// its sync can be made to fail too.
    struct FullDisk {
        data: Vec<u8>,
        room: usize,
        sync_fails: bool,
        truncate_fails: bool,
    }

    impl FullDisk {
        fn new(room: usize) -> Self {
            FullDisk { data: Vec::new(), room, sync_fails: false, truncate_fails: false }
        }
    }

    impl Write for FullDisk {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::from_raw_os_error(28));
            }
            let n = buf.len().min(self.room);
            self.data.extend_from_slice(&buf[..n]);
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl JournalSink for FullDisk {
        fn truncate_to(&mut self, len: u64) -> std::io::Result<()> {
            if self.truncate_fails {
                return Err(std::io::Error::other("cannot truncate"));
            }
            self.data.truncate(len as usize);
            Ok(())
        }

        fn sync(&mut self) -> std::io::Result<()> {
            if self.sync_fails { Err(std::io::Error::from_raw_os_error(5)) } else { Ok(()) }
        }
    }

    fn note(n: u32) -> Record {
        Record::Note {
            tick: n,
            time: format!("t{n}"),
            module: None,
            question: None,
            question_text: None,
            author: None,
            text: format!("note number {n} with some text to make the line long"),
        }
    }

    fn lines(bytes: &[u8]) -> Vec<Record> {
        read_records(bytes).expect("every line is whole").into_iter().map(|(_, r)| r).collect()
    }

    #[test]
    fn a_write_that_fails_mid_buffer_leaves_only_whole_lines_and_a_retry_continues_them() {
        let first = [note(1), note(2)];
        let first_len = first.iter().map(|r| r.to_line().len() + 1).sum::<usize>();
        // Room for the first batch and half a line of the second.
        let mut w = JournalWriter::new(FullDisk::new(first_len + 40));
        w.write_records(&first, true).unwrap();
        let pending = [note(3), note(4)];
        let e = w.write_records(&pending, true).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(28));
        assert_eq!(w.get_mut().data.len(), first_len, "the fragment is cut off");
        assert_eq!(w.len(), first_len as u64);
        // Space is freed; the same pending records are written again.
        w.get_mut().room = usize::MAX;
        w.write_records(&pending, true).unwrap();
        assert_eq!(lines(&w.get_mut().data), vec![note(1), note(2), note(3), note(4)]);
    }

    #[test]
    fn a_failed_sync_takes_back_the_lines_it_did_not_make_durable() {
        let mut w = JournalWriter::new(FullDisk::new(usize::MAX));
        w.write(&note(1)).unwrap();
        w.get_mut().sync_fails = true;
        assert!(w.write_records(&[note(2)], true).is_err());
        w.get_mut().sync_fails = false;
        w.write_records(&[note(2)], true).unwrap();
        assert_eq!(lines(&w.get_mut().data), vec![note(1), note(2)]);
    }

    #[test]
    fn when_cutting_back_fails_the_next_write_cuts_first() {
        let one = note(1).to_line().len() + 1;
        let mut w = JournalWriter::new(FullDisk::new(one + 10));
        w.write(&note(1)).unwrap();
        w.get_mut().truncate_fails = true;
        assert!(w.write(&note(2)).is_err());
        assert_eq!(w.get_mut().data.len(), one + 10, "the fragment is still there");
        // Still cannot cut: nothing is written after the fragment.
        w.get_mut().room = usize::MAX;
        assert!(w.write(&note(2)).is_err());
        assert_eq!(w.get_mut().data.len(), one + 10);
        w.get_mut().truncate_fails = false;
        w.write(&note(2)).unwrap();
        assert_eq!(lines(&w.get_mut().data), vec![note(1), note(2)]);
    }

    #[test]
    fn a_file_is_cut_back_and_appended_after_its_whole_lines() {
        let dir = std::env::temp_dir().join(format!("ttx-journal-writer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j.jsonl");
        std::fs::write(&path, format!("{}\n{{\"type\":\"no", note(1).to_line())).unwrap();
        let good = note(1).to_line().len() as u64 + 1;
        let file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        let mut w = JournalWriter::at(file, good);
        // As if an earlier write had failed: cut back first.
        w.torn = true;
        w.write_records(&[note(2)], true).unwrap();
        assert_eq!(lines(&std::fs::read(&path).unwrap()), vec![note(1), note(2)]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
