// The landing page of a tracked link (/r/{token}): the click is already counted. Here
// this device's viewer of the promoted live (kept in localStorage by the room page) is
// linked to the recipient, or a new one is made through the broadcast's entry link and
// kept the way the room page keeps it, then the room opens. Whatever fails, the room
// still opens: the link must never strand a customer on this page.

const boot = JSON.parse(document.getElementById('reach-data')?.textContent || '{}');
const key = 'siyu.viewer.' + boot.session_id;

function stored() {
  try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
}

async function join() {
  const me = stored();
  const body = me && me.token ? { viewer_token: me.token } : { nickname: localStorage.getItem('siyu.nickname') || '' };
  const res = await fetch(boot.join_url, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) return;
  const v = await res.json();
  if (v.token) {
    localStorage.setItem(key, JSON.stringify({ viewer_id: v.viewer_id, token: v.token, nickname: v.nickname, known: false }));
  }
}

(async () => {
  if (!boot.room_url) return;
  const note = document.querySelector('[data-entering]');
  if (note) note.hidden = false;
  try { await join(); } catch { /* enter anyway */ }
  location.replace(boot.room_url);
})();
