import type { RegisteredKeyView } from '@exam/protocol';
import { fingerprintShort } from '../model/format.js';
import { usePage } from './context.js';
import { useView } from './hooks.js';

/** The proctor and chief keys the exam data registered: only these sign in to a room. */
export function KeysScreen() {
  const { api, t } = usePage();
  const keys = useView(() => api.get<RegisteredKeyView[]>('/api/admin/keys'));
  const list = keys.value ?? [];
  return (
    <div class="screen">
      <h1>{t('keys.title')}</h1>
      {keys.error && <p class="result error">{t('common.loadFailed', { message: keys.error.message })}</p>}
      {keys.value && list.length === 0 && <p class="hint">{t('keys.none')}</p>}
      {list.length > 0 && (
        <table data-testid="keys-table">
          <thead>
            <tr>
              <th>{t('keys.col.role')}</th>
              <th>{t('keys.col.room')}</th>
              <th>{t('keys.col.holder')}</th>
              <th>{t('keys.col.fingerprint')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((k) => (
              <tr key={k.fingerprint} data-testid="key-row">
                <td>{t(`keys.role.${k.role}`)}</td>
                <td>{k.roomId ?? t('keys.allRooms')}</td>
                <td>{k.holder}</td>
                <td class="mono" title={k.fingerprint}>
                  {fingerprintShort(k.fingerprint)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
