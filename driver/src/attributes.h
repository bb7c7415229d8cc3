// Element volume attributes: the JSON object Cinder keeps on each volume (uuid, cinder-name,
// attachments, cloned_count, ...). Element refuses an object that prints to 1,000 bytes or more, so
// every write of attributes goes through one of the fitting helpers here first.
#pragma once

#include <string>
#include <vector>

#include "json.h"

namespace solidfire::attributes {

// A deep copy of `v` when it is an object, else an empty object.
Json copy(JsonView v);

// True when `attrs` prints within element::kMaxAttributesBytes.
bool fits(const Json& attrs);

// Shortens the string member `key` (never splitting a UTF-8 sequence) until `attrs` fits; true when it
// fits (a missing member is left missing).
bool shorten_to_fit(Json& attrs, const char* key);

// Drops the named members, in order, until `attrs` fits; true when it fits.
bool drop_to_fit(Json& attrs, const std::vector<const char*>& droppable);

// True for a truthy JSON value (true, non-zero number).
bool truthy(JsonView v);

}  // namespace solidfire::attributes
