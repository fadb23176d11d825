/**
 * What a voice release is judged on by ear (`voxfleet release voice-check`): sentences of the
 * kinds a voice is used for. Short conversational turns (where a voice is judged on its first
 * syllables), numbers, times and money (where Piper-style phonemisation goes wrong first),
 * names and places, questions, and a long read-aloud paragraph. Plain English words, so a judge
 * ASR model's own errors stay small and equal for both voices.
 */
export const VOICE_CHECK_SENTENCES: readonly string[] = Object.freeze([
  'Sure, I can help with that.',
  'Your table for four is booked at seven thirty tonight.',
  'The next train to Boston leaves from platform two in eleven minutes.',
  'Please hold while I connect you to the billing team.',
  'Your balance is two hundred and forty dollars and fifteen cents.',
  'The meeting with Doctor Patel has moved to Thursday afternoon.',
  'Would you like me to read the message again?',
  'It will be sunny this morning, with rain arriving after three.',
  'Turn left in half a mile, then take the second exit at the roundabout.',
  'Your package was delivered to the front desk at nine fifteen.',
  'I did not catch that. Could you say the account number once more?',
  'The museum is open every day except Monday, from ten until six.',
  'Add two cups of flour, one egg and a pinch of salt, then stir slowly.',
  'Flight ninety two to Denver is now boarding at gate fourteen.',
  'Thank you for calling. Have a wonderful evening.',
  'Chapter one. The lighthouse stood alone on the northern cliff, and every night its keeper ' +
    'climbed the narrow stairs to light the lamp, long after the last ship had passed.',
]);
