// Converts an es_message_t into an owned ConvertedEvent on the ES thread, reading only the fields
// the message's version guarantees. Knows nothing of queues or N-API.
#pragma once

#include "converted_event.h"
#include "execution_path_cache.h"
#include "platform.h"

namespace emondguard {

struct ArgvCaps {
  uint32_t maxCount = 1024;         // arguments kept
  uint32_t maxBytes = 256 * 1024;   // total bytes kept across arguments
  uint32_t maxArgLength = 64 * 1024; // bytes kept of any one argument (a longer one is cut)
};

// Every other string an exec carries (paths, working directory, script, tty, signing and team id)
// is cut at this many bytes: with the argv caps, no converted event can exceed a known size.
// Apple's paths stop at MAXPATHLEN (1024) in most places, but ES reports longer ones (deep trees
// reached by relative paths), so the cut is well above any real path.
constexpr size_t kMaxStringBytes = 16 * 1024;

// Returns false for message types the converter does not handle (nothing is written then).
// `paths` learns from every message and answers exec-parent lookups before the kernel is asked.
bool convertMessage(const es_message_t *msg, const ArgvCaps &caps, uint64_t handlerEntryNs, ExecutionPathCache &paths,
                    ConvertedEvent &out);

}  // namespace emondguard
