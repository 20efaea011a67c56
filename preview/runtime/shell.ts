/**
 * The frame around the phone: who the preview calls the emulator as. Switching identity
 * reloads the whole mini-program, as a different WeChat user opening it would.
 */
import type { RoleCode } from '../../typings/api';
import { roleLabel } from '../../miniprogram/utils/roles';

export interface Identity {
  openid: string;
  name: string;
  roles: { org: string; role: string }[];
}

export function describe(identity: Identity): string {
  if (!identity.roles.length) return '未加入支部';
  return identity.roles.map((r) => `${r.org} · ${roleLabel(r.role as RoleCode)}`).join('；');
}

export function installShell(opts: {
  identities: Identity[];
  current: string;
  onSwitch(openid: string): void;
}): void {
  const list = document.getElementById('identities');
  if (!list) return;
  const known = opts.identities.some((i) => i.openid === opts.current);
  const all = known
    ? opts.identities
    : [...opts.identities, { openid: opts.current, name: opts.current, roles: [] }];
  for (const identity of all) {
    const label = document.createElement('label');
    label.className = 'identity';
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'identity';
    input.value = identity.openid;
    input.checked = identity.openid === opts.current;
    input.addEventListener('change', () => opts.onSwitch(identity.openid));
    const text = document.createElement('span');
    const name = document.createElement('strong');
    name.textContent = identity.name;
    const id = document.createElement('code');
    id.textContent = identity.openid;
    const roles = document.createElement('small');
    roles.textContent = describe(identity);
    text.append(name, ' ', id, roles);
    label.append(input, text);
    list.appendChild(label);
  }
}
