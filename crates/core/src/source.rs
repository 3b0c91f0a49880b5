//! Input sources: a folder, a single file, or a git revision of the current repository
//! (`git:<rev>` or `git:<rev>:<subdir>`), read without touching the work tree.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Errors while reading an input.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("git revision `{rev}`: {message}")]
    Git { rev: String, message: String },
}

/// Where an input comes from, as written on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSpec {
    /// A folder or a single file on disk.
    Path(PathBuf),
    /// A revision of the git repository that contains the current directory, optionally a
    /// sub-folder (or file) of it.
    Git { rev: String, subdir: String },
}

impl InputSpec {
    /// Parses `git:<rev>[:<subdir>]` or a path.
    pub fn parse(text: &str) -> InputSpec {
        if let Some(rest) = text.strip_prefix("git:") {
            // `git::/<text>` names the youngest commit whose message matches <text> (git's own
            // syntax); its path, if any, follows the last colon.
            let split = match rest.strip_prefix(":/") {
                Some(search) => search.rfind(':').map(|i| i + 2),
                None => rest.find(':'),
            };
            let (rev, subdir) = match split {
                Some(i) => (&rest[..i], rest[i + 1..].trim_matches('/')),
                None => (rest, ""),
            };
            return InputSpec::Git { rev: rev.to_string(), subdir: subdir.to_string() };
        }
        InputSpec::Path(PathBuf::from(text))
    }

    /// Human-readable name for messages.
    pub fn display(&self) -> String {
        match self {
            InputSpec::Path(p) => p.display().to_string(),
            InputSpec::Git { rev, subdir } if subdir.is_empty() => format!("git:{rev}"),
            InputSpec::Git { rev, subdir } => format!("git:{rev}:{subdir}"),
        }
    }
}

/// One file of an input, with its path relative to the input root ('/'-separated).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The files of one input. `root` is the folder that relative paths start from; a single-file
/// input has its parent folder as root and only that file selected.
#[derive(Debug, Clone, Default)]
pub struct SourceSet {
    /// Display name of the input.
    pub name: String,
    /// Files whose names matched the filter, sorted by path.
    pub files: Vec<SourceFile>,
    /// Other files that were asked for by name (configuration files), if present.
    pub extras: Vec<SourceFile>,
    /// For single-file inputs: the path of the selected file.
    pub single_file: Option<String>,
}

impl SourceSet {
    /// Reads an input. `keep` selects files by relative path; `extras` names files at the
    /// root (like `buf.yaml`) to read when they exist.
    pub fn load(spec: &InputSpec, keep: &dyn Fn(&str) -> bool, extras: &[&str]) -> Result<SourceSet, SourceError> {
        match spec {
            InputSpec::Path(path) => load_path(path, keep, extras),
            InputSpec::Git { rev, subdir } => load_git(rev, subdir, keep, extras),
        }
    }

    /// An extra file read at the root, by name.
    pub fn extra(&self, name: &str) -> Option<&SourceFile> {
        self.extras.iter().find(|f| f.path == name)
    }
}

fn io_err(path: &Path, source: std::io::Error) -> SourceError {
    if source.kind() == std::io::ErrorKind::NotFound {
        SourceError::NotFound { path: path.display().to_string() }
    } else {
        SourceError::Io { path: path.display().to_string(), source }
    }
}

fn load_path(path: &Path, keep: &dyn Fn(&str) -> bool, extras: &[&str]) -> Result<SourceSet, SourceError> {
    let meta = std::fs::metadata(path).map_err(|e| io_err(path, e))?;
    // A single file is checked alone, but its folder is the import root.
    let (root, single_file) = if meta.is_dir() {
        (path.to_path_buf(), None)
    } else {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        (parent.to_path_buf(), Some(name))
    };
    let mut set =
        SourceSet { name: root.display().to_string(), single_file: single_file.clone(), ..SourceSet::default() };
    let mut found = Vec::new();
    walk(&root, "", &mut found)?;
    found.sort();
    for rel in found.into_iter().filter(|rel| keep(rel) || single_file.as_deref() == Some(rel.as_str())) {
        let full = root.join(&rel);
        let bytes = std::fs::read(&full).map_err(|e| io_err(&full, e))?;
        set.files.push(SourceFile { path: rel, bytes });
    }
    for name in extras {
        let full = root.join(name);
        if let Ok(bytes) = std::fs::read(&full) {
            set.extras.push(SourceFile { path: (*name).to_string(), bytes });
        }
    }
    Ok(set)
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<(), SourceError> {
    let entries = std::fs::read_dir(dir).map_err(|e| io_err(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_err(dir, e))?;
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let file_type = std::fs::metadata(entry.path()).map_err(|e| io_err(&entry.path(), e))?;
        if file_type.is_dir() {
            walk(&entry.path(), &rel, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

fn git(args: &[&str], rev: &str) -> Result<Vec<u8>, SourceError> {
    let output = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| SourceError::Git { rev: rev.to_string(), message: format!("cannot run git: {e}") })?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr).trim().to_string();
        return Err(SourceError::Git { rev: rev.to_string(), message });
    }
    Ok(output.stdout)
}

fn load_git(rev: &str, subdir: &str, keep: &dyn Fn(&str) -> bool, extras: &[&str]) -> Result<SourceSet, SourceError> {
    let display = if subdir.is_empty() { format!("git:{rev}") } else { format!("git:{rev}:{subdir}") };
    let no_such =
        || SourceError::Git { rev: rev.to_string(), message: "no such revision in this repository".to_string() };
    // Resolve first: a suffix like ^{commit} would become search text in `:/<text>`.
    let resolved = git(&["rev-parse", "--verify", "--quiet", "--end-of-options", rev], rev).map_err(|_| no_such())?;
    let sha = String::from_utf8_lossy(&resolved).trim().to_string();
    git(&["rev-parse", "--verify", "--quiet", &format!("{sha}^{{commit}}")], rev).map_err(|_| no_such())?;
    let (shown_rev, rev) = (rev, sha.as_str());
    // git paths are relative to the repository top, whatever the current directory.
    let treeish = if subdir.is_empty() { format!("{rev}:") } else { format!("{rev}:{subdir}") };
    let kind = git(&["cat-file", "-t", &treeish], rev).map_err(|_| SourceError::Git {
        rev: shown_rev.to_string(),
        message: format!("path `{subdir}` does not exist in that revision"),
    })?;
    let mut set = SourceSet { name: display, ..SourceSet::default() };
    let mut treeish = treeish;
    if String::from_utf8_lossy(&kind).trim() == "blob" {
        // A single file: its folder in that revision is the import root.
        let (parent, name) = subdir.rsplit_once('/').unwrap_or(("", subdir));
        set.single_file = Some(name.to_string());
        set.name = if parent.is_empty() { format!("git:{shown_rev}") } else { format!("git:{shown_rev}:{parent}") };
        treeish = format!("{rev}:{parent}");
    }
    let listing = git(&["ls-tree", "-r", "-z", "--full-tree", &treeish], rev)?;
    let mut wanted = Vec::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let text = String::from_utf8_lossy(entry);
        let Some((meta, path)) = text.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split_whitespace();
        let (_mode, kind, object) = (parts.next(), parts.next(), parts.next());
        if kind != Some("blob") {
            continue;
        }
        let Some(object) = object else { continue };
        if keep(path) || set.single_file.as_deref() == Some(path) {
            wanted.push((path.to_string(), object.to_string(), false));
        } else if extras.contains(&path) {
            wanted.push((path.to_string(), object.to_string(), true));
        }
    }
    for (path, bytes, extra) in cat_batch(rev, wanted)? {
        let file = SourceFile { path, bytes };
        if extra { set.extras.push(file) } else { set.files.push(file) }
    }
    set.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(set)
}

/// Whether a file or folder exists at a git revision (path relative to the repository top).
pub fn git_path_exists(rev: &str, path: &str) -> Result<bool, SourceError> {
    let resolved = git(&["rev-parse", "--verify", "--quiet", "--end-of-options", rev], rev).map_err(|_| {
        SourceError::Git { rev: rev.to_string(), message: "no such revision in this repository".to_string() }
    })?;
    let sha = String::from_utf8_lossy(&resolved).trim().to_string();
    Ok(git(&["cat-file", "-e", &format!("{sha}:{}", path.trim_end_matches('/'))], rev).is_ok())
}

/// Reads one file of a git revision (path relative to the repository top).
pub fn read_git_file(rev: &str, path: &str) -> Result<Vec<u8>, SourceError> {
    let resolved = git(&["rev-parse", "--verify", "--quiet", "--end-of-options", rev], rev).map_err(|_| {
        SourceError::Git { rev: rev.to_string(), message: "no such revision in this repository".to_string() }
    })?;
    let sha = String::from_utf8_lossy(&resolved).trim().to_string();
    git(&["cat-file", "blob", &format!("{sha}:{path}")], rev).map_err(|_| SourceError::Git {
        rev: rev.to_string(),
        message: format!("path `{path}` does not exist in that revision"),
    })
}

/// Reads many blobs through one `git cat-file --batch` process.
fn cat_batch(rev: &str, wanted: Vec<(String, String, bool)>) -> Result<Vec<(String, Vec<u8>, bool)>, SourceError> {
    let fail = |message: String| SourceError::Git { rev: rev.to_string(), message };
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| fail(format!("cannot run git: {e}")))?;
    let mut stdin = child.stdin.take().ok_or_else(|| fail("no stdin".into()))?;
    let ids: Vec<String> = wanted.iter().map(|(_, id, _)| id.clone()).collect();
    let writer = std::thread::spawn(move || {
        for id in ids {
            if writeln!(stdin, "{id}").is_err() {
                break;
            }
        }
    });
    let stdout = child.stdout.take().ok_or_else(|| fail("no stdout".into()))?;
    let mut reader = BufReader::new(stdout);
    let mut out = Vec::with_capacity(wanted.len());
    for (path, _, extra) in wanted {
        let mut header = String::new();
        reader.read_line(&mut header).map_err(|e| fail(e.to_string()))?;
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| fail(format!("unexpected git output for {path}: {header}")))?;
        let mut bytes = vec![0; size + 1];
        reader.read_exact(&mut bytes).map_err(|e| fail(e.to_string()))?;
        bytes.pop();
        out.push((path, bytes, extra));
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_git_specs() {
        assert_eq!(InputSpec::parse("git:main"), InputSpec::Git { rev: "main".into(), subdir: String::new() });
        assert_eq!(
            InputSpec::parse("git:HEAD~1:schemas/proto/"),
            InputSpec::Git { rev: "HEAD~1".into(), subdir: "schemas/proto".into() }
        );
        assert_eq!(InputSpec::parse("schemas/proto"), InputSpec::Path("schemas/proto".into()));
    }

    #[test]
    fn loads_a_folder_sorted_and_filtered() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b")).unwrap();
        std::fs::write(dir.path().join("b/x.proto"), "x").unwrap();
        std::fs::write(dir.path().join("a.proto"), "a").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "n").unwrap();
        std::fs::write(dir.path().join("buf.yaml"), "version: v2").unwrap();
        let set =
            SourceSet::load(&InputSpec::Path(dir.path().into()), &|p| p.ends_with(".proto"), &["buf.yaml"]).unwrap();
        let paths: Vec<_> = set.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a.proto", "b/x.proto"]);
        assert!(set.extra("buf.yaml").is_some());
    }

    #[test]
    fn missing_path_is_not_found() {
        let err = SourceSet::load(&InputSpec::Path("/no/such/dir".into()), &|_| true, &[]).unwrap_err();
        assert!(matches!(err, SourceError::NotFound { .. }));
    }
}
