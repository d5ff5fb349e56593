// The text rules the draft validator applies (email_validator.h): an SSN-shaped number, an email
// address, a phone number. Pure; linear scans that allocate nothing. Every rule below is
// unit-tested both ways in tests/unit/validator_texts_test.cpp.
#pragma once

#include <string_view>

namespace multitier {

// True when `text` holds something shaped like a US social security number that is not part of
// a longer number such as a phone number. Flags three digit groups of 3, 2 and 4 digits joined
// by the same separator, '-' or ' ' ("123-45-6789", "123 45 6789"), where the match
// - is not directly preceded or followed by a digit (no longer digit runs: "1234-56-7890"),
// - is not preceded by '+' (international numbers),
// - does not chain on to more digit groups: the character before (after) it is not its own
//   separator with a digit on the far side ("1 123 45 6789", "123-45-6789-01").
// Never flags bare nine-digit runs or mixed separators ("123-45 6789"), and never a phone
// number in its common forms (their groups are 3-3-4). Linear scan, no allocation.
bool contains_ssn_pattern(std::string_view text);

// True for a bare address local@domain: one '@'; a local part of 1 to 64 printable ASCII
// characters without spaces or any of "()<>[]:;,\\\"@"; a domain of at least two dot-separated
// labels of ASCII letters, digits and '-' (no label empty, none starting or ending with '-',
// the last at least two letters); at most 254 characters in all.
bool looks_like_email_address(std::string_view text);

// True for E.164 ("+" then 7 to 15 digits, the first not 0) and the common US forms: ten digits
// as "5551234567", "555-123-4567", "555.123.4567", "555 123 4567", "(555) 123-4567" or
// "(555)123-4567", optionally led by "1" or "+1" and one optional separator ("1-555-123-4567",
// "+1 555 123 4567"). Separators between groups are each one of '-', '.', ' ', or none.
bool looks_like_phone_number(std::string_view text);

}  // namespace multitier
