# Baseline (b) of the scan benchmark: the emond-child detection written as a jq program, with the
# same logic as emondguard: a pid → name process tree (pidversion-checked, exited processes dropped,
# fresh-fork inference for unseen parents) and the built-in rule's parent and child-name test.
def tok: if type == "array" then {pid: .[5], pv: .[7]} else {pid: .pid, pv: .pidversion} end;
def base: split("/") | last;
def child_names: "^(bash|dash|sh|tcsh|csh|zsh|ksh|fish|python.*|perl.*|php.*|osascript|pwsh|curl|wget|cp|mv|touch|echo|base64|launchctl)$";
foreach (inputs | select(.event_type == 9 or .event_type == 11 or .event_type == 15)) as $m (
  {tree: {}, out: null};
  .out = null
  | if $m.event_type == 9 then
      ($m.event.exec.target) as $t
      | ($t.audit_token | tok) as $me
      | (if $t.parent_audit_token then ($t.parent_audit_token | tok) else {pid: $t.ppid, pv: null} end) as $p
      | (.tree[$p.pid | tostring]) as $known
      | (if $known != null and ($p.pv == null or $known.pv == $p.pv) then $known.name
         elif ($t.original_ppid // $p.pid) == $p.pid then ($m.process.executable.path | base)
         else null end) as $parent
      | .out = (if ($parent // "" | ascii_downcase) == "emond" and ($t.executable.path | base | test(child_names; "i"))
                then {time: $m.time, pid: $me.pid, name: ($t.executable.path | base), parent: $parent, args: $m.event.exec.args}
                else null end)
      | .tree[$me.pid | tostring] = {name: ($t.executable.path | base), pv: $me.pv}
    elif $m.event_type == 11 then
      ($m.event.fork.child.audit_token | tok) as $c
      | ($m.process.audit_token | tok) as $f
      | .tree[$c.pid | tostring] = {name: ($m.process.executable.path | base), pv: $c.pv}
      | .tree[$f.pid | tostring] = {name: ($m.process.executable.path | base), pv: $f.pv}
    else
      del(.tree[($m.process.audit_token | tok | .pid | tostring)])
    end;
  .out // empty)
