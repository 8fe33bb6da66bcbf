import EchemCore
