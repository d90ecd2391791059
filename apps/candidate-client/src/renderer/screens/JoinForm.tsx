import { useState } from 'preact/hooks';
import type { CandidateBridge } from '../../shared/bridge.js';
import type { BridgeError } from '../../shared/result.js';
import type { CandidateState } from '../../shared/state.js';
import { errorText } from '../components/errors.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * Room and seat for a join request (issue 16), proposed from what the site set the machine
 * up with. The proctor approves the seat; nothing here is believed before that.
 */
export function JoinForm({
  state,
  bridge,
  onSent,
}: {
  state: CandidateState;
  bridge: CandidateBridge;
  onSent?: () => void;
}) {
  const { t } = useI18n();
  const proposed = state.machine.proposed;
  const [room, setRoom] = useState(state.machine.roomId ?? proposed.roomId ?? '');
  const [seat, setSeat] = useState(String(state.machine.seatNo ?? proposed.seatNo ?? ''));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeError | null>(null);
  const first = useFocusOnMount<HTMLInputElement>();
  const offline = state.connection !== 'online';
  const seatNo = Number(seat);
  const valid = room.trim() !== '' && Number.isInteger(seatNo) && seatNo >= 1 && seatNo <= 500;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || offline || !valid) return;
    setBusy(true);
    setError(null);
    const r = await bridge.joinSeat(room.trim(), seatNo);
    setBusy(false);
    if (!r.ok) setError(r.error);
    else onSent?.();
  };

  return (
    <form class="login join-form" onSubmit={submit} noValidate>
      <label for="join-room">{t('join.room')}</label>
      <input
        id="join-room"
        ref={first}
        value={room}
        onInput={(e) => setRoom(e.currentTarget.value)}
        autoComplete="off"
        maxLength={64}
        required
      />
      <label for="join-seat">{t('join.seat')}</label>
      <input
        id="join-seat"
        value={seat}
        onInput={(e) => setSeat(e.currentTarget.value)}
        inputMode="numeric"
        autoComplete="off"
        maxLength={3}
        required
      />
      <div class="form-error" role="alert" id="join-error">
        {error && errorText(t, error)}
        {!error && offline && t('join.offline')}
      </div>
      <button type="submit" class="primary" disabled={busy || offline || !valid}>
        {busy ? t('join.busy') : t('join.submit')}
      </button>
    </form>
  );
}
