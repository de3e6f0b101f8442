// CLI verbs for privacy notices and reports. Each takes main's argc/argv (argv[1] may be the
// verb itself) and returns the process exit code (0 ran, 2 bad input or usage, 4 local storage).
#pragma once

int cmd_notice(int argc, char** argv);
int cmd_report(int argc, char** argv);
// Accepted risks: `accept SOURCE KEY --reason ... [--until DATE]` (or --withdraw) and `accepted SOURCE`.
int cmd_accept(int argc, char** argv);
int cmd_accepted(int argc, char** argv);
// `domoguard hold`: which modes hold; pause, resume, or choose "put it back" / "tell me" (cmd_hold.cpp).
int cmd_hold(int argc, char** argv);
