import { Controller, Get, Module, Param } from '@nestjs/common';

/** A feature module's routes, as Nest apps keep them: imported after ServeModule, they must keep answering. */
@Controller('users')
export class UsersController {
  @Get()
  list() {
    return { served: 'users' };
  }

  @Get(':id')
  one(@Param('id') id: string) {
    return { served: 'user', id };
  }
}

@Module({ controllers: [UsersController] })
export class UsersModule {}
