// Private to the contract layer: a compact JSON writer into a buffer both kept across uses, so
// writing allocates nothing once the buffer has grown.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>

namespace multitier {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

struct JsonOut {
  rapidjson::StringBuffer buffer;
  JsonWriter writer{buffer};

  // The writer, on an emptied buffer.
  JsonWriter& start() {
    buffer.Clear();
    writer.Reset(buffer);
    return writer;
  }
  std::string_view view() const { return {buffer.GetString(), buffer.GetSize()}; }
};

}  // namespace multitier
