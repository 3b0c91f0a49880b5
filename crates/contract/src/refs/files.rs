//! The project's files as a schema's references read them: from the work tree, or as committed
//! at a git revision (listing a folder there too), by paths relative to the project root.

use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// Where files are read from.
#[derive(Clone, Copy)]
pub(crate) struct Files<'a> {
    pub(crate) project: &'a Path,
    pub(crate) revision: Option<&'a str>,
}

impl Files<'_> {
    /// How a file is named in messages: `schemas/x.avsc` or `git:HEAD~1:schemas/x.avsc`.
    pub(crate) fn origin(&self, rel: &Path) -> String {
        let shown = rel.to_string_lossy().replace('\\', "/");
        match self.revision {
            Some(rev) => format!("git:{rev}:{shown}"),
            None => shown,
        }
    }

    /// The text of a file, by its path relative to the project root.
    pub(crate) fn read(&self, rel: &Path) -> Result<String, String> {
        let path = self.project.join(rel);
        match self.revision {
            Some(rev) => {
                let bytes = schemagate_core::source::read_git_file(rev, &git_path(&path))
                    .map_err(|e| format!("{}: {e}", self.origin(rel)))?;
                String::from_utf8(bytes).map_err(|_| format!("{}: not valid UTF-8", self.origin(rel)))
            }
            None => std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display())),
        }
    }

    /// Every file under `folder` (subfolders included, hidden ones not) whose name ends with
    /// `.{extension}`, as paths relative to the project root, sorted.
    pub(crate) fn list(&self, folder: &Path, extension: &str) -> Result<Vec<PathBuf>, String> {
        let mut found = match self.revision {
            None => {
                let mut found = Vec::new();
                walk(&self.project.join(folder), Path::new(""), extension, &mut found)
                    .map_err(|e| format!("{}: {e}", self.project.join(folder).display()))?;
                found
            }
            Some(rev) => list_at(rev, &self.project.join(folder), extension)?,
        };
        found.sort();
        Ok(found.into_iter().map(|rel| normalize(&folder.join(rel))).collect())
    }
}

fn walk(dir: &Path, rel: &Path, extension: &str, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        // Symlinked folders are not followed: a link back up would never end.
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), &rel.join(&name), extension, found)?;
        } else if has_extension(Path::new(&name), extension) && entry.path().is_file() {
            found.push(rel.join(&name));
        }
    }
    Ok(())
}

fn has_extension(path: &Path, extension: &str) -> bool {
    path.extension().is_some_and(|e| e == extension)
}

/// The files under `folder` at `rev`, relative to `folder`.
fn list_at(rev: &str, folder: &Path, extension: &str) -> Result<Vec<PathBuf>, String> {
    if rev.starts_with('-') {
        return Err(format!("git:{rev}: not a revision"));
    }
    let spec = git_path(folder);
    // Without --full-name, git shows the paths relative to the working directory, as `spec` is.
    let output = Command::new("git")
        .args(["ls-tree", "-r", "--name-only", "-z", rev, "--", &spec])
        .output()
        .map_err(|e| format!("git:{rev}: cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!("git:{rev}: {}", String::from_utf8_lossy(&output.stderr).trim()));
    }
    let base = normalize(Path::new(&spec));
    Ok(output
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            let listed = normalize(Path::new(&*String::from_utf8_lossy(p)));
            listed.strip_prefix(&base).ok().map(Path::to_path_buf)
        })
        .filter(|rel| {
            has_extension(rel, extension) && !rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        })
        .collect())
}

/// A path as git's `rev:path` syntax reads it relative to the working directory.
pub(crate) fn git_path(p: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let rel = p.strip_prefix(&cwd).unwrap_or(p);
    format!("./{}", rel.to_string_lossy().trim_start_matches("./"))
}

/// `a/./b/../c` as `a/c`, without touching the file system (a referenced file need not exist
/// for its name to be compared); `..` past the start is kept.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(normalize(Path::new("./a/./b/../c.json")), PathBuf::from("a/c.json"));
        assert_eq!(normalize(Path::new("a/../../c.json")), PathBuf::from("../c.json"));
        assert_eq!(normalize(Path::new("/a/../../c")), PathBuf::from("/c"));
    }

    #[test]
    fn a_folder_lists_its_files_with_subfolders_but_not_hidden_ones() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["s/a.avsc", "s/common/b.avsc", "s/.hidden/c.avsc", "s/d.json", "s/common/e.avsc.bak"] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "{}").unwrap();
        }
        let files = Files { project: dir.path(), revision: None };
        let listed = files.list(Path::new("s"), "avsc").unwrap();
        assert_eq!(listed, [PathBuf::from("s/a.avsc"), PathBuf::from("s/common/b.avsc")]);
        assert!(files.list(Path::new("missing"), "avsc").unwrap_err().contains("missing"));
    }
}
