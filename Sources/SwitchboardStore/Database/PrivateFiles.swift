import Foundation

/// The database holds phone numbers, SMS bodies and door codes: only its owner may read it.
///
/// SQLite creates `-wal` and `-shm` with the mode of the database file, so creating that
/// file `0600` before SQLite opens it makes all three private; files left readable by an
/// older version are tightened when opened.
enum PrivateFiles {
    static let mode: mode_t = 0o600

    /// Creates `path` empty and private when missing (SQLite takes an empty file as a new
    /// database); makes it and its `-wal` and `-shm` private when they exist.
    static func prepareDatabase(at path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            guard fd >= 0 else {
                throw StoreError(.cannotOpen, "cannot create \(path): \(String(cString: strerror(errno)))")
            }
            close(fd)
        }
        for file in [path, path + "-wal", path + "-shm"] {
            makePrivate(file)
        }
    }

    /// Removes group and other permissions from `path`, if it exists and has any.
    static func makePrivate(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 != 0 else { return }
        _ = chmod(path, info.st_mode & 0o700)
    }
}
