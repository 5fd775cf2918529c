#!/bin/sh
# Debian's fence_dummy (power state in status_file) behind a wrapper that the tests can count and
# hold. Options of the wrapper, stripped before fence_dummy reads the rest from stdin:
#   record_file=PATH   append the action of every invocation, one per line
#   hold_file=PATH     with hold_action=ACTION: before that action, wait until PATH exists, so a
#                      test can keep a fence in flight for as long as it needs
input=$(cat)
option() { printf '%s\n' "$input" | sed -n "s/^$1=//p" | tail -n 1; }
action=$(option action)
record_file=$(option record_file)
hold_file=$(option hold_file)
hold_action=$(option hold_action)
if [ -n "$record_file" ]; then
  echo "$action" >>"$record_file"
fi
if [ -n "$hold_file" ] && [ "$action" = "$hold_action" ]; then
  while [ ! -e "$hold_file" ]; do sleep 0.05; done
fi
printf '%s\n' "$input" | grep -v -e '^record_file=' -e '^hold_file=' -e '^hold_action=' \
  | /usr/sbin/fence_dummy
