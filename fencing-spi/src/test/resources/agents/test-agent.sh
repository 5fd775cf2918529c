#!/bin/sh
# A fence agent for tests that speaks the fence-agents stdin protocol (key=value lines), with a
# file-backed power state like fence_dummy, plus failure modes a real agent cannot be asked for:
#   fail_actions=a,b      exit 1 for these actions
#   hang_actions=a,b      start a child that sleeps, write its pid to pid_file, and wait forever
#   garbage_actions=a,b   print malformed output (list, metadata) or a status that contradicts
#                         its exit code
#   refuse_off_when_off=1 fail an off when the state is already off, as some devices do
#   record_file=PATH      append each invocation with this process's /proc cmdline and environ
# Unknown options are echoed to stderr with their value, as fence-agents' parser does.
action=""; port=""; state_file=""; record_file=""; fail_actions=""; hang_actions=""
pid_file=""; garbage_actions=""; refuse_off_when_off=""
while IFS= read -r line; do
  key=${line%%=*}; value=${line#*=}
  case "$key" in
    action) action=$value ;;
    port|plug) port=$value ;;
    state_file) state_file=$value ;;
    record_file) record_file=$value ;;
    fail_actions) fail_actions=$value ;;
    hang_actions) hang_actions=$value ;;
    pid_file) pid_file=$value ;;
    garbage_actions) garbage_actions=$value ;;
    refuse_off_when_off) refuse_off_when_off=$value ;;
    *) echo "WARNING: Parse error: Ignoring unknown option '$line'" >&2 ;;
  esac
done
if [ -n "$record_file" ]; then
  {
    printf 'invocation action=%s port=%s\n' "$action" "$port"
    printf 'cmdline='; tr '\0' ' ' </proc/$$/cmdline; printf '\n'
    printf 'environ='; tr '\0' ' ' </proc/$$/environ; printf '\n'
  } >>"$record_file"
fi
in_list() { case ",$2," in *",$1,"*) return 0 ;; esac; return 1; }
if in_list "$action" "$hang_actions"; then
  sleep 600 &
  echo $! >"$pid_file"
  wait
  exit 1
fi
if in_list "$action" "$fail_actions"; then
  echo "Failed: the device refused $action" >&2
  exit 1
fi
state=off
if [ -n "$state_file" ] && [ -f "$state_file" ]; then state=$(cat "$state_file"); fi
if in_list "$action" "$garbage_actions"; then
  case "$action" in
    list) printf 'vm-1,alpha\n;rm -rf /,beta\n' ;;
    metadata) printf '<resource-agent name="broken"><parameters>\n' ;;
    status) echo "Status: OFF" ;;
    *) echo "???" ;;
  esac
  exit 0
fi
case "$action" in
  status)
    if [ "$state" = on ]; then echo "Status: ON"; exit 0; fi
    echo "Status: OFF"; exit 2 ;;
  on|off)
    if [ "$action" = off ] && [ "$state" = off ] && [ -n "$refuse_off_when_off" ]; then
      echo "Failed: host is already off, refusing to power it off" >&2
      exit 1
    fi
    echo "$action" >"$state_file"
    echo "Success: Powered $action"; exit 0 ;;
  reboot) echo on >"$state_file"; echo "Success: Rebooted"; exit 0 ;;
  list) printf 'vm-1,node-a\nvm-2,node-b\n'; exit 0 ;;
  monitor|validate-all) exit 0 ;;
  metadata)
    printf '<?xml version="1.0" ?>\n<resource-agent name="test-agent" shortdesc="Test agent">\n'
    printf '<parameters><parameter name="state_file" required="1"><content type="string"/>'
    printf '<shortdesc lang="en">State</shortdesc></parameter></parameters>\n'
    printf '<actions><action name="on"/><action name="off"/><action name="status"/></actions>\n'
    printf '</resource-agent>\n' ;;
  *) echo "Failed: Unrecognised action '$action'" >&2; exit 1 ;;
esac
