import type { Migration } from '@exam/sqlite';
import { m0001Initial } from './0001_initial.js';
import { m0002MachineChecksAndAlerts } from './0002_machine_checks_and_alerts.js';
import { m0003RoomOperations } from './0003_room_operations.js';
import { m0004CandidatesRoomIndex } from './0004_candidates_room_index.js';
import { m0005LookupIndexes } from './0005_lookup_indexes.js';
import { m0006AnsweredCount } from './0006_answered_count.js';
import { m0007CandidatePhotos } from './0007_candidate_photos.js';
import { m0008AnswerPackages } from './0008_answer_packages.js';
import { m0009AnswerMadeAt } from './0009_answer_made_at.js';
import { m0010LockoutFailures } from './0010_lockout_failures.js';
import { m0011MachineBindings } from './0011_machine_bindings.js';
import { m0012ProctorChallenges } from './0012_proctor_challenges.js';
import { m0013PaperProofs } from './0013_paper_proofs.js';
import { m0014LateArrivals } from './0014_late_arrivals.js';
import { m0015StandalonePackages } from './0015_standalone_packages.js';
import { m0016Uploads } from './0016_uploads.js';
import { m0017Backups } from './0017_backups.js';
import { m0018AdminSessionsAndCleanup } from './0018_admin_sessions_and_cleanup.js';
import { m0019OverbookingTransfers } from './0019_overbooking_transfers.js';
import { m0020StandaloneOffline } from './0020_standalone_offline.js';

/** Append only: never edit or reorder a migration that has shipped. */
export const migrations: readonly Migration[] = Object.freeze([
  m0001Initial,
  m0002MachineChecksAndAlerts,
  m0003RoomOperations,
  m0004CandidatesRoomIndex,
  m0005LookupIndexes,
  m0006AnsweredCount,
  m0007CandidatePhotos,
  m0008AnswerPackages,
  m0009AnswerMadeAt,
  m0010LockoutFailures,
  m0011MachineBindings,
  m0012ProctorChallenges,
  m0013PaperProofs,
  m0014LateArrivals,
  m0015StandalonePackages,
  m0016Uploads,
  m0017Backups,
  m0018AdminSessionsAndCleanup,
  m0019OverbookingTransfers,
  m0020StandaloneOffline,
]);
