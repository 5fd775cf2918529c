// The Quorate status page: polls /api/status (the JSON of `quorate status --json`, schema
// quorate-status/1, or quorate-error/1) and redraws. Only textContent is set, never HTML, so a
// name read from ZooKeeper cannot inject markup.
'use strict';

const POLL_MILLIS = 1000;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (key === 'class') {
      node.className = value;
    } else {
      node.setAttribute(key, value);
    }
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function votes(n) {
  return n + (n === 1 ? ' vote' : ' votes');
}

function memberBox(m) {
  const state = !m.connected ? 'down' : m.inPartition ? 'up' : 'outside';
  const label = !m.connected ? 'DOWN' : m.inPartition ? 'up' : 'outside partition';
  return el('div', {class: 'member ' + state, 'data-member': m.cluster + '/' + m.name},
    m.cluster + '/' + m.name + ' · ' + votes(m.votes) + ' · ' + m.role + ' · ' + label);
}

function renderClusters(clusters) {
  const box = document.getElementById('clusters');
  box.replaceChildren(...clusters.map(c => el('div',
    {class: 'cluster health-' + c.health, 'data-cluster': c.name},
    el('h3', {}, c.name + ': ' + c.health),
    el('p', {class: 'why'}, c.why),
    el('p', {class: 'votes'},
      'quorum: ' + (c.quorum.quorate ? 'quorate' : 'not quorate') + ', threshold '
        + c.quorum.threshold + ', partition ' + c.quorum.partitionVotes + ' of '
        + c.quorum.expectedVotes + ' member votes'))));
  if (clusters.length === 0) {
    box.replaceChildren(el('p', {}, 'no cluster publishes a host inventory here'));
  }
}

function renderHosts(hosts) {
  document.getElementById('hosts').replaceChildren(...hosts.map(h => el('div',
    {class: 'host', 'data-host': h.name}, el('h3', {}, h.name), ...h.occupants.map(memberBox))));
}

function table(headings, rows) {
  return el('table', {}, el('tr', {}, ...headings.map(h => el('th', {}, h))),
    ...rows.map(r => el('tr', {}, ...r.map(cell => el('td', {}, cell)))));
}

function renderExtras(s) {
  const parts = [];
  if (s.membership) {
    parts.push(el('div', {id: 'membership'},
      el('h2', {}, 'Membership (' + s.membership.path + '): ' + s.membership.health),
      table(['member', 'host', 'votes', 'incarnation', 'quorate'], s.membership.members.map(
        m => [m.id, m.host, m.votes, m.incarnation, m.quorate ? 'yes' : 'NO']))));
  }
  if (s.arbiter) {
    const voted = s.arbiter.votedPartition.length
      ? 'votes for ' + s.arbiter.votedPartition.join(',') + ' (token of member '
        + s.arbiter.tokenOwner + ')'
      : 'its vote is held by nobody';
    parts.push(el('div', {id: 'arbiter'}, el('h2', {}, 'Arbiter: ' + voted),
      table(['member', 'sees', 'score', 'counts the vote'], s.arbiter.reports.map(
        r => [r.member, r.partition.join(','), r.score, r.casting ? 'yes' : 'no']))));
  }
  if (s.quorumDisk) {
    const d = s.quorumDisk;
    parts.push(el('div', {id: 'qdisk'},
      el('h2', {}, 'Quorum disk ' + d.path + ': ' + (d.master ? 'master node ' + d.master : 'no master')),
      table(['node', 'state', 'term', 'sequence', 'host', 'heartbeat'], d.slots.map(x => [x.node,
        x.state, x.term, x.sequence, x.host, x.heartbeating ? 'changing'
          : x.lastWritten === 'STOPPED' ? 'stopped' : 'silent; last wrote ' + x.lastWritten]))));
  }
  document.getElementById('extras').replaceChildren(...parts);
}

function renderFences(fences) {
  const list = document.getElementById('fences');
  list.replaceChildren(...fences.slice().reverse().map(f => el('li', {class: 'fence ' + f.status},
    f.requestedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z') + ' ' + f.cluster + ': ' + f.action
      + ' ' + f.target + ' by ' + f.requester + ': ' + f.status + ' ' + f.reason + ' (' + f.explanation + ')')));
  if (fences.length === 0) {
    list.replaceChildren(el('li', {}, 'no fence recorded'));
  }
}

function renderLocks(locks) {
  document.getElementById('locks-summary').textContent = 'under ' + locks.path + ': '
    + locks.held + ' held, ' + locks.waiting + ' waiting, on ' + locks.resources + ' resources'
    + (locks.resources > locks.shown.length ? ' (first ' + locks.shown.length + ' shown)' : '');
  document.getElementById('locks').replaceChildren(...locks.shown.map(l => el('div',
    {class: 'lock', 'data-resource': l.resource},
    el('h3', {}, l.resource + ': ' + l.holders.length + ' held, ' + l.queue.length + ' waiting'),
    table(['', 'member', 'mode', 'token', 'since'], [
      ...l.holders.map(h => ['holder', h.member, h.mode, h.token, h.since]),
      ...l.queue.map(w => ['waiter', w.member, w.mode, '', w.since])]))));
}

function renderElections(elections) {
  const list = document.getElementById('elections');
  list.replaceChildren(...elections.map(e => el('li',
    {class: 'election ' + (e.leader ? 'led' : 'leaderless'), 'data-election': e.election},
    e.leader
      ? e.election + ': ' + e.leader.candidate + ' · epoch ' + e.leader.epoch + ' · since ' + e.leader.since
      : e.election + ': no leader')));
  if (elections.length === 0) {
    list.replaceChildren(el('li', {}, 'no election'));
  }
}

function render(s) {
  const error = document.getElementById('error');
  const banner = document.getElementById('banner');
  if (s.schema === 'quorate-error/1') {
    error.hidden = false;
    error.textContent = 'cannot read the ensemble (exit ' + s.exitCode + '): ' + s.error;
    banner.className = 'health-UNKNOWN';
    document.getElementById('health').textContent = 'UNREACHABLE';
    document.getElementById('updated').textContent = 'tried at ' + s.readAt;
    return;
  }
  error.hidden = true;
  banner.className = 'health-' + s.health;
  document.getElementById('health').textContent = s.health;
  document.getElementById('connect').textContent = s.connect;
  document.getElementById('updated').textContent = 'read at ' + s.readAt;
  renderClusters(s.clusters);
  renderHosts(s.hosts);
  renderExtras(s);
  renderLocks(s.locks);
  renderElections(s.elections);
  renderFences(s.fences);
  const problems = document.getElementById('problems');
  problems.replaceChildren(...s.problems.map(p => el('li', {}, p)));
  document.getElementById('problems-section').hidden = s.problems.length === 0;
}

async function poll() {
  try {
    const response = await fetch('/api/status', {cache: 'no-store'});
    render(await response.json());
  } catch (e) {
    const error = document.getElementById('error');
    error.hidden = false;
    error.textContent = 'quorate serve does not answer: ' + e;
    document.getElementById('banner').className = 'health-UNKNOWN';
  }
  setTimeout(poll, POLL_MILLIS);
}

poll();
