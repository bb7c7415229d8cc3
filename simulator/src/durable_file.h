// Crash-safe file primitives shared by the journal and the state snapshot (README "Persistence").
//
// A file is replaced by writing a temp file, fsyncing it, renaming it over the target and fsyncing
// the directory: a crash at any point leaves either the complete old file or the complete new one.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace element_sim::durable {

// Throws std::runtime_error "element-sim: state file <what> '<path>': <strerror(errno)>".
[[noreturn]] void sys_fail(const std::string& what, const std::string& path);

void write_all(int fd, std::string_view data, const std::string& path);

// Whole file into `out`; false when it does not exist. Throws std::runtime_error on other errors.
bool read_file(const std::string& path, std::string& out);

// Creates (truncates) `path`, writes `data`, fsyncs it and returns the open descriptor (write-only,
// O_APPEND): the journal keeps appending through it after the rename. Throws std::runtime_error.
int create_synced(const std::string& path, std::string_view data);

// rename(from, to); `from` is removed when the rename fails. Throws std::runtime_error.
void rename_file(const std::string& from, const std::string& to);
// fsync of the directory holding `path`, so that a rename into it is durable. Throws std::runtime_error.
void sync_dir(const std::string& path);

// Test-only: called with the name of each persistence step just completed ("snapshot.tmp-synced",
// "journal.renamed", "journal.written" = an append's bytes written but not yet fdatasync'd, ...),
// so tests can capture the files a crash at that moment would leave, or
// throw to make the step fail. Empty = none (the default). Not for concurrent use with live servers.
using StepHook = std::function<void(std::string_view step)>;
void set_step_hook(StepHook hook);
void step(std::string_view name);

}  // namespace element_sim::durable
