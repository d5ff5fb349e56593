// The in-process validators and what they rest on, in one include:
//   validation.h       the outcome, and the rules every validator keeps
//   email_validator.h  EmailValidator: email and SMS drafts, rules E1-E11
//   fill_validator.h   FillValidator: fill proposals, rules F1-F8
//   text_scanners.h    the SSN, email-address and phone-number scans the drafts are held to
//   worker_lookup.h    the workers both validators check against
#pragma once

#include "multitier/workload/email_validator.h"
#include "multitier/workload/fill_validator.h"
#include "multitier/workload/text_scanners.h"
#include "multitier/workload/validation.h"
#include "multitier/workload/worker_lookup.h"
