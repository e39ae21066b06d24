// Passwords from public breach top lists that satisfy the length and character-class rules
// (so the rules alone would let them through), compared case-insensitively. The policy
// refuses them as "too common".
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  'password1', 'password12', 'password123', 'password1234', 'passw0rd', 'passw0rd1', 'p@ssw0rd', 'p@ssword1', 'p@ssw0rd1',
  'qwerty123', 'qwerty1234', 'qwerty12345', 'qwertyuiop1', 'qwerty1', 'qwerty12', 'q1w2e3r4', 'q1w2e3r4t5', 'q1w2e3r4t5y6',
  '1q2w3e4r', '1q2w3e4r5t', '1qaz2wsx', '1qaz2wsx3edc', 'zaq12wsx', 'abc12345', 'abcd1234', 'abc123456', 'abcdef123',
  'welcome1', 'welcome12', 'welcome123', 'welcome2024', 'welcome2025', 'welcome2026', 'letmein1', 'letmein123',
  'iloveyou1', 'iloveyou12', 'iloveyou123', 'sunshine1', 'princess1', 'football1', 'baseball1', 'basketball1',
  'monkey123', 'dragon123', 'master123', 'shadow123', 'superman1', 'batman123', 'trustno1a', 'michael1', 'jennifer1',
  'jordan23a', 'charlie1', 'computer1', 'internet1', 'starwars1', 'pokemon123', 'summer2024', 'summer2025', 'summer2026',
  'winter2024', 'winter2025', 'winter2026', 'spring2025', 'autumn2025', 'january1', 'december1', 'changeme1',
  'changeme123', 'admin1234', 'admin12345', 'administrator1', 'root12345', 'test12345', 'testing123', 'secret123',
  'hello1234', 'hello12345', 'helloworld1', 'freedom1', 'whatever1', 'trustme1', 'access123', 'login1234',
  'mypassword1', 'newpassword1', 'password2024', 'password2025', 'password2026', 'password01', 'password!1',
  'asdfgh123', 'asdf1234', 'zxcvbnm1', 'zxcvbnm123', 'aa123456', 'a1234567', 'a12345678', 'a123456789',
  'qazwsx123', 'killer123', 'lovely123', 'loveme123', 'flower123', 'liverpool1', 'chelsea1', 'arsenal1',
  'manchester1', 'barcelona1', 'fingerflow1', 'fingerflow123', 'typing123', 'keyboard1', 'keyboard123',
]);
